import io

from academics.transfer.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_bar_redrawn_in_place():
    stream = Terminal()
    progress = Progress(4, "Importing students", stream)

    progress.advance()
    progress.advance(3)
    progress.finish()

    assert stream.getvalue() == (
        "\rImporting students [#######.......................]  25% 1/4"
        "\rImporting students [##############################] 100% 4/4\n"
    )


def test_a_pipe_gets_a_plain_line_per_tenth():
    stream = io.StringIO()
    progress = Progress(20, "Exporting students", stream)

    for _ in range(20):
        progress.advance()
    progress.finish()

    lines = stream.getvalue().splitlines()
    assert lines[0] == "Exporting students: 2/20 rows"
    assert lines[-1] == "Exporting students: 20/20 rows"
    assert len(lines) == 10


def test_a_terminal_bar_is_redrawn_only_when_its_percentage_changes():
    stream = Terminal()
    progress = Progress(10_000, "Importing enrollments", stream)

    for _ in range(10_000):
        progress.advance()

    draws = stream.getvalue().split("\r")[1:]
    assert len(draws) == 101  # 0 % to 100 %
    assert draws[-1].endswith("100% 10000/10000")
