import Foundation
import Testing
import TenureWarehouse
@testable import TenureSparkConnect

/// `sc://` URLs as Spark's clients read them (host, port 15002 by default, `/;key=value` parameters).
@Suite struct LocationTests {
    let env = ["USER": "ana"]

    @Test func hostPortAndDefaults() throws {
        let l = try SparkConnectLocation("sc://spark.example.com", environment: env)
        #expect(l.host == "spark.example.com" && l.port == 15002 && !l.useTLS && l.token == nil && l.userID == "ana")
        #expect(l.description == "sc://spark.example.com:15002")
        let m = try SparkConnectLocation("sc://127.0.0.1:55450", environment: env)
        #expect(m.host == "127.0.0.1" && m.port == 55450)
        let v6 = try SparkConnectLocation("sc://[::1]:15003/;schema=crm", environment: env)
        #expect(v6.host == "::1" && v6.port == 15003 && v6.schema == "crm")
        #expect(v6.description == "sc://[::1]:15003/;schema=crm")
    }

    @Test func parameters() throws {
        let l = try SparkConnectLocation("sc://h:443/;use_ssl=true;user_id=bob;session_id=3F2504E0-4F89-11D3-9A0C-0305E82C3301;x-databricks-cluster-id=0123;schema=sales",
                                         environment: env)
        #expect(l.useTLS && l.userID == "bob" && l.sessionID == "3f2504e0-4f89-11d3-9a0c-0305e82c3301" && l.schema == "sales")
        #expect(l.headers.map(\.name) == ["x-databricks-cluster-id"] && l.headers.map(\.value) == ["0123"])
    }

    @Test func aTokenTurnsTLSOnAndIsNeverShown() throws {
        let l = try SparkConnectLocation("sc://h:443/;token=s3cr3t;schema=crm", environment: env)
        #expect(l.useTLS && l.token == "s3cr3t")
        #expect(!l.description.contains("s3cr3t") && l.description.contains("token=***"))
        #expect(SparkConnectLocation.redacted("sc://h/;token=s3cr3t;use_ssl=true") == "sc://h/;token=***;use_ssl=true")
        #expect(throws: WarehouseError.self) { try SparkConnectLocation("sc://h/;token=t;use_ssl=false", environment: env) }
    }

    @Test(arguments: ["postgres://h/db", "sc://", "sc://h:0", "sc://h:99999", "sc://h:port", "sc://h/path", "sc://h/;use_ssl=maybe",
                      "sc://h/;session_id=nope", "sc://h/;token", "sc://[::1", "sc://h/;=v"])
    func refused(url: String) {
        #expect(throws: WarehouseError.self) { try SparkConnectLocation(url, environment: env) }
    }

    @Test func errorsDoNotShowTheToken() {
        do { _ = try SparkConnectLocation("sc://h:x/;token=s3cr3t", environment: env); Issue.record("accepted") } catch {
            #expect(!"\(error)".contains("s3cr3t"))
        }
    }
}
