import Foundation
import TenureNumerics

/// One column of a parameter table: its header and the cell of one parameter of one fit.
struct ParameterColumn {
    var column: ReportTable.Column
    var cell: (ModelFit, FittedParameter) -> Cell

    static func model(_ title: String = "model") -> ParameterColumn { .init(column: .init(title)) { f, _ in .text(f.model) } }
    static func name(_ title: String) -> ParameterColumn { .init(column: .init(title)) { _, p in .text(p.name) } }
    /// A number read from the parameter (NaN, shown as "–", when the fit does not report it).
    static func number(_ title: String, decimals: Int, _ value: @escaping (FittedParameter) -> Double?) -> ParameterColumn {
        .init(column: .init(title)) { _, p in .number(value(p) ?? .nan, decimals: decimals) }
    }
    static func estimate(_ title: String = "estimate", decimals: Int) -> ParameterColumn { number(title, decimals: decimals) { $0.estimate } }
    static func standardError(_ title: String = "standard error", decimals: Int) -> ParameterColumn {
        number(title, decimals: decimals) { $0.standardError }
    }
    static func lower(_ title: String, decimals: Int) -> ParameterColumn { number(title, decimals: decimals) { $0.lower } }
    static func upper(_ title: String, decimals: Int) -> ParameterColumn { number(title, decimals: decimals) { $0.upper } }
    static func statistic(_ title: String, decimals: Int) -> ParameterColumn { number(title, decimals: decimals) { $0.statistic } }
}

extension ReportTable {
    /// The one path for parameter tables (lifelines' `summary`): a row per parameter of each fit,
    /// in fit order, with the columns the caller picks.
    static func parameters(id: String, title: String, fits: [ModelFit], columns: [ParameterColumn], note: String? = nil) -> ReportTable {
        ReportTable(id: id, title: title, columns: columns.map(\.column),
                    rows: fits.flatMap { f in f.parameters.map { p in columns.map { $0.cell(f, p) } } }, note: note)
    }
}
