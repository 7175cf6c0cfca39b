import Testing
@testable import TenureReport

@Suite struct EscapeTests {
    @Test func htmlEscapesEveryMetacharacter() {
        #expect(Escape.html("<a href=\"x\">O'Neil & co</a>") == "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;")
        #expect(Escape.html("plain text, ünïcödé ✓") == "plain text, ünïcödé ✓")
    }

    @Test func htmlReplacesCharactersXMLForbids() {
        #expect(Escape.html("a\u{0}b\u{1B}c") == "a\u{FFFD}b\u{FFFD}c")
        #expect(Escape.html("tab\tand\nnewline") == "tab\tand\nnewline")
    }

    @Test func attributeKeepsLineBreaksAsReferences() {
        #expect(Escape.attribute("a\nb\"c'") == "a&#10;b&quot;c&#39;")
    }

    @Test func markdownNeutralisesMarkupAndTables() {
        #expect(Escape.markdown(Sample.hostile) == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(Escape.markdown("a|b\nc *d* [e](f) `g` _h_") == "a\\|b c \\*d\\* \\[e\\](f) \\`g\\` \\_h\\_")
        #expect(MarkdownWriter.escape("x|y") == "x\\|y")  // the old call site still works
    }

    @Test func pythonLiteralsEvaluateToTheInput() {
        #expect(Escape.python("plain") == "\"plain\"")
        #expect(Escape.python("a\"b\\c\nd\re\tf") == "\"a\\\"b\\\\c\\nd\\re\\tf\"")
        #expect(Escape.python("bell\u{7}") == "\"bell\\x07\"")
        #expect(Escape.python("\u{2028}") == "\"\\u2028\"")
        #expect(Escape.python(Sample.hostile) == "\"<script>alert(1)</script>\"")
    }

    @Test func fileNamesAreSlugs() {
        #expect(Escape.fileName("cohort_retention") == "cohort_retention")
        #expect(Escape.fileName("../../etc/passwd") == "etc_passwd")
        #expect(Escape.fileName(Sample.hostile) == "script_alert_1_script")
        #expect(Escape.fileName("") == "table")
        #expect(Escape.fileName("///") == "table")
        #expect(Escape.fileName(String(repeating: "x", count: 200)).count == 80)
    }

    @Test func formatIsLocaleFreeWithSeparators() {
        #expect(Format.grouped(1234567.891, decimals: 2) == "1,234,567.89")
        #expect(Format.grouped(-0.004, decimals: 2) == "0.00")
        #expect(Format.grouped(-12.5, decimals: 1) == "−12.5")
        #expect(Format.value(0.4237, .percent(decimals: 1)) == "42.4%")
        #expect(Format.value(-1500, .currency("USD", decimals: 0)) == "−$1,500")
        #expect(Format.value(19723, .date(monthOnly: false)) == "2024-01-01")
        #expect(Format.tick(25_000, .currency("USD", decimals: 0), step: 5_000) == "$25k")
        #expect(Format.tick(0.25, .percent(decimals: 0), step: 0.05) == "25%")
        #expect(Format.tick(2.5, .number(decimals: 0), step: 0.5) == "2.5")
    }
}
