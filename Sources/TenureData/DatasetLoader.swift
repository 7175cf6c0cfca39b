/// Reads a dataset directory (SPEC §1) into a `Dataset`.
/// PLACEHOLDER SIGNATURE — implemented by the CSV ingestion work (issue 2).
public enum DatasetLoader {
    public struct Loaded: Sendable {
        public var dataset: Dataset
        /// Rows left out under `--on-invalid skip` (empty under `.fail`, which throws on the first).
        public var rejects: [RejectedRow]
        public init(dataset: Dataset, rejects: [RejectedRow]) { self.dataset = dataset; self.rejects = rejects }
    }

    public static func load(directory: String, options: LoadOptions = LoadOptions()) throws -> Loaded {
        throw DataError(.other, file: directory, expected: "the CSV loader (not yet implemented)")
    }
}
