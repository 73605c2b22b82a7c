"""axe-core in the test's own browser page: the accessibility problems a page has, readable.

axe-core (Deque's engine, the one Lighthouse and browser extensions run) comes bundled with the
``axe-playwright-python`` package (its ``axe.min.js``), so nothing is fetched: the script is
injected into the page and run there, on the page as the shopper's browser rendered it.

    problems = serious_violations(page)
    assert not problems, format_violations(problems, page.url)

or simply ``assert_accessible(page)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# The impacts that fail a test. "minor" and "moderate" findings are reported by Lighthouse.
FAILING_IMPACTS = ("serious", "critical")
# WCAG 2.x A and AA plus axe's best practices: what the issue asks of the storefront.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
NODES_SHOWN = 5

_axe = Axe()


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    # Each offending element: its CSS selector and axe's summary of what to fix.
    nodes: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        lines = [f"[{self.impact}] {self.rule}: {self.help} ({len(self.nodes)} element(s))"]
        for target, summary in self.nodes[:NODES_SHOWN]:
            # axe's summary: "Fix any of the following:" then one reason per line.
            fix = "; ".join(line.strip() for line in summary.splitlines() if line.strip())
            lines.append(f"    {target}\n        {fix}")
        if len(self.nodes) > NODES_SHOWN:
            lines.append(f"    ... and {len(self.nodes) - NODES_SHOWN} more")
        lines.append(f"    see {self.help_url}")
        return "\n".join(lines)


def violations(page: Page, *, impacts=FAILING_IMPACTS) -> list[Violation]:
    """axe's violations of WCAG 2 A/AA and best practices on the page as it is now, those of
    these impacts only (serious and critical by default), most severe first."""
    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": RULE_TAGS}}
    results = _axe.run(page, options=options)
    found = [
        Violation(
            rule=item["id"],
            impact=item.get("impact") or "",
            help=item["help"],
            help_url=item["helpUrl"],
            nodes=tuple(
                (" ".join(str(part) for part in node["target"]), node.get("failureSummary", ""))
                for node in item["nodes"]
            ),
        )
        for item in results.response["violations"]
        if item.get("impact") in impacts
    ]
    return sorted(found, key=lambda violation: impacts.index(violation.impact), reverse=True)


def format_violations(found: list[Violation], where: str) -> str:
    """One readable message: what is wrong, where, and how to fix it."""
    header = f"{len(found)} serious or critical accessibility violation(s) on {where}:"
    return "\n".join([header, *(violation.describe() for violation in found)])


def assert_accessible(page: Page, *, name: str = "") -> None:
    """Fail with axe's explanation when the page has a serious or critical violation."""
    found = violations(page)
    assert not found, format_violations(found, name or page.url)
