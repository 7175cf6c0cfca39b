import Foundation
import TenureData
import Yams

/// A target (or industry benchmark) for one KPI, read from `--targets FILE.yaml`.
public struct KPITarget: Sendable, Codable, Equatable {
    public var id: String
    public var value: Double
    /// "target" or "benchmark".
    public var kind: String
    public var direction: KPIDirection
    public var source: String?
    /// 1-based line in the YAML file.
    public var line: Int
}

/// `--targets FILE.yaml`:
/// ```yaml
/// csat: 0.85                                  # a plain number is a target; shares as fractions or "85%"
/// nps: { benchmark: 30, source: "retail, 2024 survey" }
/// churn_rate: { target: 0.03 }                # direction comes from the KPI (lower is better here)
/// ces: { target: 5.5, direction: higher }     # override the direction
/// ```
/// The KPIs may also sit under a top-level `targets:` key. Errors name the file, line and field.
public enum KPITargets {
    public static func load(path: String) throws -> [KPITarget] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(.missingFile, file: path, expected: "a readable YAML targets file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> [KPITarget] {
        let node = try YAMLFile.compose(text, file: file)
        guard var root = node?.mapping else {
            throw DataError(.badSchema, file: file, line: node?.mark?.line ?? 1,
                            expected: "a mapping of KPI id to a target, such as `csat: 0.85`")
        }
        if root.count == 1, let only = root.first, only.key.string == "targets" {
            guard let m = only.value.mapping else {
                throw DataError(.badSchema, file: file, line: only.value.mark?.line ?? 0, column: "targets",
                                expected: "a mapping of KPI id to a target, such as `csat: 0.85`")
            }
            root = m
        }
        var out: [KPITarget] = []
        for (k, v) in root {
            let line = k.mark?.line ?? 0
            guard let id = k.string, let def = KPICatalog.byId[id] else {
                let name = k.string ?? "?"
                let close = KPICatalog.all.map(\.id).filter { $0.contains(name) || name.contains($0) }
                throw DataError(.badSchema, file: file, line: line, column: name, value: name,
                                expected: "a KPI id" + (close.isEmpty ? "" : " such as \(close.prefix(3).joined(separator: ", "))"),
                                hint: "`tenure help kpis` lists every id")
            }
            var kind = "target", direction = def.direction, source: String? = nil
            var number: Double?
            if let m = v.mapping {
                var found: [String] = []
                for (fk, fv) in m {
                    let field = fk.string ?? "?"
                    let fline = fv.mark?.line ?? line
                    switch field {
                    case "target", "benchmark":
                        kind = field; found.append(field)
                        number = try value(fv, def: def, file: file, line: fline, field: "\(id).\(field)")
                    case "direction":
                        guard let s = fv.string, let d = KPIDirection(rawValue: s.lowercased()) else {
                            throw DataError(.badSchema, file: file, line: fline, column: "\(id).direction", value: fv.string,
                                            expected: "`higher` or `lower`")
                        }
                        direction = d
                    case "source", "note":
                        source = fv.string
                    default:
                        throw DataError(.badSchema, file: file, line: fk.mark?.line ?? line, column: "\(id).\(field)", value: field,
                                        expected: "one of target, benchmark, direction, source")
                    }
                }
                if found.count != 1 {
                    throw DataError(.badSchema, file: file, line: line, column: id,
                                    expected: found.isEmpty ? "a `target:` or `benchmark:` number" : "only one of `target:` and `benchmark:`")
                }
            } else {
                number = try value(v, def: def, file: file, line: v.mark?.line ?? line, field: id)
            }
            out.append(KPITarget(id: id, value: number!, kind: kind, direction: direction, source: source, line: line))
        }
        return out
    }

    /// A number, or a percentage string ("85%") for share KPIs.
    static func value(_ n: Node, def: KPIDefinition, file: String, line: Int, field: String) throws -> Double {
        guard let s = n.scalar?.string else {
            throw DataError(.badSchema, file: file, line: line, column: field, expected: "a number")
        }
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%"), let x = Double(t.dropLast().trimmingCharacters(in: .whitespaces)), x.isFinite {
            guard def.unit == "share" || def.unit == "ratio" else {
                throw DataError(.badSchema, file: file, line: line, column: field, value: s,
                                expected: "a number in \(def.unit) (a percentage only fits a share)")
            }
            return x / 100
        }
        guard let x = Double(t), x.isFinite else {
            throw DataError(.badSchema, file: file, line: line, column: field, value: s, expected: "a number in \(def.unit)")
        }
        if def.unit == "share" && (x < 0 || x > 1) {
            throw DataError(.badSchema, file: file, line: line, column: field, value: s,
                            expected: "a share between 0 and 1 (or a percentage such as \"85%\")")
        }
        return x
    }

    /// Compares the overall value of each targeted KPI with its target, direction-aware.
    public static func check(_ targets: [KPITarget], against result: KPIResult) -> [KPITargetCheck] {
        targets.map { t in
            let v = result[t.id]
            let unit = KPICatalog.byId[t.id]?.unit ?? ""
            guard let x = v?.value else {
                return KPITargetCheck(id: t.id, unit: unit, value: nil, target: t.value, kind: t.kind, direction: t.direction,
                                      status: .unavailable, gap: nil, source: t.source, note: v?.unavailable)
            }
            let met = t.direction == .higher ? x >= t.value : x <= t.value
            return KPITargetCheck(id: t.id, unit: unit, value: x, target: t.value, kind: t.kind, direction: t.direction,
                                  status: met ? .met : .missed, gap: x - t.value, source: t.source, note: v?.warning)
        }
    }
}

extension KPIAnalysis {
    /// `compute` followed by the target comparison.
    public static func compute(_ ds: Dataset, options: KPIOptions = KPIOptions(), targets: [KPITarget]) -> KPIResult {
        var r = compute(ds, options: options)
        r.targets = KPITargets.check(targets, against: r)
        return r
    }
}

extension KPIResult {
    /// This result compared with `targets` (unchanged when nil).
    public func withTargets(_ targets: [KPITarget]?) -> KPIResult {
        var r = self
        if let targets { r.targets = KPITargets.check(targets, against: r) }
        return r
    }
}

extension KPITargets {
    /// The KPIs of `ds` compared with `targets` (same as `KPIAnalysis.compute(_:options:targets:)`).
    public static func compute(_ ds: Dataset, options: KPIOptions = KPIOptions(), targets: [KPITarget]) -> KPIResult {
        KPIAnalysis.compute(ds, options: options, targets: targets)
    }
}
