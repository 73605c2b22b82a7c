"""Reading what a buyer typed, pasted or uploaded into rows (b2b.bulk.lines): no database."""

import pytest

from b2b.bulk.lines import MAX_FILE_BYTES, MAX_LINES, RequestedLine, parse_csv, parse_text
from b2b.errors import MalformedOrderFile, TooManyLines


def test_typed_lines_accept_spaces_commas_semicolons_and_tabs():
    text = "MUG-1 5\n\n  MUG-2, 12 \nMUG-3;7\nMUG-4\t3\nMUG-5\n"

    assert parse_text(text) == [
        RequestedLine(row=1, sku="MUG-1", quantity="5"),
        RequestedLine(row=3, sku="MUG-2", quantity="12"),
        RequestedLine(row=4, sku="MUG-3", quantity="7"),
        RequestedLine(row=5, sku="MUG-4", quantity="3"),
        RequestedLine(row=6, sku="MUG-5", quantity=None),
    ]


def test_more_lines_than_the_bound_are_refused_whole():
    text = "\n".join(f"SKU-{n} 1" for n in range(MAX_LINES + 1))

    with pytest.raises(TooManyLines) as refused:
        parse_text(text)
    assert refused.value.fields == {"lines": [f"At most {MAX_LINES} lines at once."]}
    assert len(parse_text("\n".join(f"SKU-{n} 1" for n in range(MAX_LINES)))) == MAX_LINES


def test_a_csv_header_names_the_columns_in_any_order_and_rows_keep_the_file_numbers():
    data = "\ufeffQty;SKU;note\n3;MUG-1;x\n\n;MUG-2;\n".encode()

    assert parse_csv(data) == [
        RequestedLine(row=2, sku="MUG-1", quantity="3"),
        RequestedLine(row=4, sku="MUG-2", quantity=None),
    ]


def test_a_csv_without_header_is_sku_then_quantity():
    assert parse_csv(b"MUG-1,2\r\nMUG-2,abc\r\n") == [
        RequestedLine(row=1, sku="MUG-1", quantity="2"),
        RequestedLine(row=2, sku="MUG-2", quantity="abc"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00M\x00U\x00G", "The file is not a CSV file in UTF-8."),
        (b"MUG-1,1\x00\n", "The file is not a CSV file."),
        (b"x" * (MAX_FILE_BYTES + 1), "The file is too large: at most 256 KB."),
        (b"\n\n", "The file has no rows."),
        (b"quantity,colour\n1,blue\n", "The header names no SKU column."),
        (b'"MUG-1,1\n', None),
    ],
)
def test_a_malformed_file_is_refused_with_the_reason(data, message):
    if message is None:  # an unclosed quote: csv reads to the end, one row, no error
        assert parse_csv(data)[0].sku.startswith("MUG-1")
        return
    with pytest.raises(MalformedOrderFile) as refused:
        parse_csv(data)
    assert refused.value.message == message
    assert list(refused.value.fields) == ["file"]


def test_a_csv_of_too_many_rows_is_refused():
    data = "\n".join(f"SKU-{n},1" for n in range(MAX_LINES + 1)).encode()

    with pytest.raises(TooManyLines):
        parse_csv(data)
