/// A Jupyter notebook in nbformat 4.5: cells with ids, a kernelspec, and outputs as MIME bundles.
/// `json()` writes it exactly as nbformat would (see `JSONValue`).
public struct Notebook: Sendable, Equatable {
    public enum Output: Sendable, Equatable {
        /// `execute_result`: the value of the cell's last expression.
        case result(executionCount: Int, data: [String: String])
        /// `display_data`: something the cell displayed.
        case display(data: [String: String])
        case stream(name: String, text: String)
    }

    public enum Cell: Sendable, Equatable {
        case markdown(id: String, source: String)
        case code(id: String, source: String, tags: [String], executionCount: Int?, outputs: [Output])
    }

    public var cells: [Cell] = []
    /// Extra notebook-level metadata under "tenure".
    public var tenureMetadata: [String: String] = [:]

    public init(cells: [Cell] = [], tenureMetadata: [String: String] = [:]) {
        self.cells = cells; self.tenureMetadata = tenureMetadata
    }

    public var json: JSONValue {
        var meta: [String: JSONValue] = [
            "kernelspec": .object(["display_name": .string("Python 3 (ipykernel)"), "language": .string("python"),
                                   "name": .string("python3")]),
            "language_info": .object(["name": .string("python"), "pygments_lexer": .string("ipython3"),
                                      "file_extension": .string(".py"), "mimetype": .string("text/x-python")]),
        ]
        if !tenureMetadata.isEmpty { meta["tenure"] = .object(tenureMetadata.mapValues { .string($0) }) }
        return .object([
            "cells": .array(cells.map(Self.cellJSON)),
            "metadata": .object(meta),
            "nbformat": .int(4),
            "nbformat_minor": .int(5),
        ])
    }

    /// The `.ipynb` file contents.
    public func serialized() -> String { json.serialized() }

    static func cellJSON(_ c: Cell) -> JSONValue {
        switch c {
        case .markdown(let id, let source):
            return .object(["cell_type": .string("markdown"), "id": .string(id), "metadata": .object([:]),
                            "source": JSONValue.lines(source)])
        case .code(let id, let source, let tags, let n, let outputs):
            var meta: [String: JSONValue] = [:]
            if !tags.isEmpty { meta["tags"] = .array(tags.map { .string($0) }) }
            return .object(["cell_type": .string("code"), "id": .string(id), "metadata": .object(meta),
                            "execution_count": n.map { .int($0) } ?? .null,
                            "outputs": .array(outputs.map(outputJSON)), "source": JSONValue.lines(source)])
        }
    }

    static func outputJSON(_ o: Output) -> JSONValue {
        func bundle(_ d: [String: String]) -> JSONValue { .object(d.mapValues { JSONValue.lines($0) }) }
        switch o {
        case .result(let n, let data):
            return .object(["output_type": .string("execute_result"), "execution_count": .int(n),
                            "data": bundle(data), "metadata": .object([:])])
        case .display(let data):
            return .object(["output_type": .string("display_data"), "data": bundle(data), "metadata": .object([:])])
        case .stream(let name, let text):
            return .object(["output_type": .string("stream"), "name": .string(name), "text": JSONValue.lines(text)])
        }
    }
}
