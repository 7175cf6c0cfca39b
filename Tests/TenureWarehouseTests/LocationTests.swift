import Foundation
import Testing
@testable import TenureWarehouse

@Suite struct LocationTests {
    @Test func partsOfTheURL() throws {
        let l = try PostgresLocation("postgres://ana@db.example:6543/crm?schema=sales&sslmode=require", environment: [:], home: "/nonexistent")
        #expect(l.user == "ana" && l.host == "db.example" && l.port == 6543 && l.database == "crm")
        #expect(l.schema == "sales" && l.sslMode == .require && l.password == nil)
        #expect(l.description == "postgres://ana@db.example:6543/crm?schema=sales")
        let d = try PostgresLocation("postgresql://ana@h/", environment: ["PGPORT": "5555"], home: "/nonexistent")
        #expect(d.port == 5555 && d.database == "ana" && d.sslMode == .prefer)
    }

    @Test func passwordFromURLThenEnvironmentThenPgpass() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "# comment\nother:5432:*:ana:no\nh:5432:crm:ana:pa\\:ss\\\\word\n*:*:*:*:fallback\n"
            .write(to: dir.appendingPathComponent(".pgpass"), atomically: true, encoding: .utf8)
        let url = "postgres://ana@h:5432/crm"
        #expect(try PostgresLocation(url, environment: [:], home: dir.path).password == "pa:ss\\word")
        #expect(try PostgresLocation("postgres://bob@h:5432/crm", environment: [:], home: dir.path).password == "fallback")
        #expect(try PostgresLocation(url, environment: ["PGPASSWORD": "env"], home: dir.path).password == "env")
        let withPassword = try PostgresLocation("postgres://ana:s%40cret@h:5432/crm", environment: ["PGPASSWORD": "env"], home: dir.path)
        #expect(withPassword.password == "s@cret")
        #expect(!withPassword.description.contains("cret"))
        #expect(PostgresLocation.redacted("postgres://ana:secret@h/crm") == "postgres://ana:***@h/crm")
    }

    @Test func badURLsAreRefusedWithTheReason() {
        #expect(throws: WarehouseError.self) { try PostgresLocation("postgres://h/crm?sslmode=sometimes", environment: [:]) }
        #expect(throws: WarehouseError.self) { try PostgresLocation("postgres://h/crm?shema=crm", environment: [:]) }
        #expect(throws: WarehouseError.self) { try PostgresLocation("mysql://h/crm", environment: [:]) }
        do { _ = try PostgresLocation("postgres://u:topsecret@h/crm?x=1", environment: [:]) } catch {
            #expect(!"\(error)".contains("topsecret"))
        }
    }
}
