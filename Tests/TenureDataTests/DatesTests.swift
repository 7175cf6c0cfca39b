import Testing
@testable import TenureData

@Suite struct DatesTests {
    @Test func civilRoundTrip() {
        #expect(Civil.day(year: 1970, month: 1, day: 1) == 0)
        #expect(Civil.day(year: 2000, month: 3, day: 1) == 11017)
        #expect(Civil.day(year: 1969, month: 12, day: 31) == -1)
        for d in stride(from: Int32(-800_000), through: 2_900_000, by: 997) {
            let (y, m, dd) = Civil.date(d)
            #expect(Civil.day(year: y, month: m, day: dd) == d)
        }
        #expect(Civil.weekday(0) == 4)  // Thursday
        #expect(Civil.iso(19_783) == "2024-03-01")
    }

    @Test func isoForms() {
        #expect(DateParser.day(from: "2024-03-01") == 19_783)
        #expect(DateParser.timestamp(from: "2024-03-01T12:30:00Z") == Double(19_783 * 86400 + 45_000))
        #expect(DateParser.timestamp(from: "2024-03-01T12:30:00+02:00") == Double(19_783 * 86400 + 45_000 - 7200))
        #expect(DateParser.timestamp(from: "2024-03-01 00:30:00.5-01:30") == 19_783 * 86400 + 1800.5 + 5400)
        #expect(DateParser.day(from: "2024-03-01T01:00:00+02:00") == 19_782)
        #expect(DateParser.day(from: "2024-02-30") == nil)
        #expect(DateParser.day(from: "2023-02-29") == nil)
        #expect(DateParser.day(from: "01/03/2024") == nil)
        #expect(DateParser.day(from: "2024-03-01T25:00") == nil)
    }
}
