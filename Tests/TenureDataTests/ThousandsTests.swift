import Testing
@testable import TenureData

@Suite struct ThousandsTests {
    @Test func separatorsEveryThreeDigitsOfTheWholePartOnly() {
        #expect(Thousands.group(0) == "0")
        #expect(Thousands.group(999) == "999")
        #expect(Thousands.group(1000) == "1,000")
        #expect(Thousands.group(21531) == "21,531")
        #expect(Thousands.group(-1234567) == "-1,234,567")
        #expect(Thousands.group("1234567.891") == "1,234,567.891")
        #expect(Thousands.group("123456.1234567") == "123,456.1234567")
        #expect(Thousands.group("+1000.5") == "+1,000.5")
        #expect(Thousands.group("1234", separator: ".") == "1.234")
        #expect(Thousands.group(".5") == ".5")
    }
}
