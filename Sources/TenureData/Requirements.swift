import Foundation

/// Which tables an analysis needs, in one place (SPEC §1: each analysis needs only its own tables).
///
/// Every analysis calls `Dataset.require(_:for:)` before it reads a table; the error names the
/// analysis and the missing table. `tenure validate` lists `Dataset.capabilities` so a user sees
/// what can and cannot run on their data before running it.
public enum DatasetTable: String, Sendable, Codable, CaseIterable {
    case transactions, customers, subscriptions, surveys, tickets, interactions, leads
    case marketingSpend = "marketing_spend"

    public var file: String { rawValue + ".csv" }
}

extension Dataset {
    /// True when the table's file was read (a header-only file counts as read).
    public func has(_ table: DatasetTable) -> Bool {
        switch table {
        case .transactions: return hasTransactions
        case .customers: return customerTable != nil
        case .subscriptions: return subscriptions != nil
        case .surveys: return surveys != nil
        case .tickets: return tickets != nil
        case .interactions: return interactions != nil
        case .leads: return leads != nil
        case .marketingSpend: return marketingSpend != nil
        }
    }

    /// Throws a `DataError` naming `analysis` and the first table of `tables` the dataset lacks.
    /// `hint` says what else would do (e.g. "or --churn-after for churn from purchases").
    public func require(_ tables: DatasetTable..., for analysis: String, hint: String? = nil) throws {
        for t in tables where !has(t) {
            throw DataError(.missingFile, file: DatasetLoader.path(source, t.file),
                            expected: "\(t.file) for \(analysis)",
                            hint: hint ?? "this dataset has \(presentTables.map(\.file).joined(separator: ", "))")
        }
    }

    /// The tables read, in `DatasetTable` order.
    public var presentTables: [DatasetTable] { DatasetTable.allCases.filter(has) }

    /// What each analysis can do on this dataset, and why not where it cannot.
    public var capabilities: [Capability] { Capability.list(present: Set(presentTables), endReasons: subscriptions?.endReason != nil) }
}

/// One line of `Dataset.capabilities`.
public struct Capability: Sendable, Codable, Equatable {
    public var analysis: String
    public var available: Bool
    /// Why not, when `available` is false.
    public var reason: String?

    /// What each analysis can do with the tables `present` (`tenure validate` lists it);
    /// `endReasons`: subscriptions.csv has an end_reason column.
    public static func list(present: Set<DatasetTable>, endReasons: Bool = false) -> [Capability] {
        let tx = present.contains(.transactions), subs = present.contains(.subscriptions)
        func cap(_ name: String, _ ok: Bool, _ needs: String) -> Capability {
            Capability(analysis: name, available: ok, reason: ok ? nil : "needs \(needs)")
        }
        let kpiTables: [DatasetTable] = [.transactions, .subscriptions, .surveys, .tickets, .interactions, .leads]
        return [
            cap("cohorts (purchases)", tx, "transactions.csv"),
            cap("cohorts (contractual retention, sBG forecast)", subs, "subscriptions.csv"),
            cap("survival (contractual churn)", subs, "subscriptions.csv"),
            cap("survival --churn-after (churn from purchases)", tx, "transactions.csv"),
            cap("survival --covariates (Cox)", (tx || subs) && present.contains(.customers),
                "customers.csv with covariate columns, and subscriptions.csv or transactions.csv"),
            cap("survival --competing end_reason (why customers leave)", subs && endReasons,
                "subscriptions.csv with an end_reason column (why each subscription ended)"),
            cap("clv", tx, "transactions.csv"),
            cap("kpis", kpiTables.contains(where: present.contains), "one of \(kpiTables.map(\.file).joined(separator: ", "))"),
            cap("roi", tx, "transactions.csv (the baseline is fitted to purchases)"),
        ]
    }
}
