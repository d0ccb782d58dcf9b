import AenetTraining
import AenetAugment
import AenetCore
import Foundation

/// A generate.in deck split around its FILES block, the way augmentation needs it: the lines before
/// the FILES keyword (kept verbatim), the structure paths, and the lines after the last path.
///
/// The FILES keyword is found as aenet's count lookup finds it (aenet input.f90 and ext/io.f90/6.2, `Deck.find`): the
/// first logical line whose first token is `FILES`, compared case-insensitively. The count is the
/// first integer of the next logical line; the paths are the next `count` logical lines, each the
/// whole trimmed line (as `GenerateInput` reads them).
/// (aenet's structure loop itself needs upper-case `FILES` and takes the count from the very next
/// physical line; `render` therefore always writes an upper-case `FILES` line directly followed by
/// the count.)
public struct FilesDeck: Sendable, Equatable {
    /// Lines before the FILES keyword line, verbatim (without their newlines).
    public var head: [String]
    /// The FILES keyword line as written; replaced by `FILES` on output unless its first token is
    /// exactly `FILES`.
    public var keywordLine: String
    /// Structure paths in deck order, as written in the deck (relative to the working directory,
    /// as aenet's generate.x and PyITA resolve them).
    public var paths: [String]
    /// 1-based deck line number of every path (for error messages).
    public var pathLines: [Int]
    /// Lines after the last path, verbatim.
    public var tail: [String]

    public init(head: [String], keywordLine: String, paths: [String], pathLines: [Int], tail: [String]) {
        self.head = head; self.keywordLine = keywordLine; self.paths = paths; self.pathLines = pathLines; self.tail = tail
    }

    public static func read(path: String) throws -> FilesDeck {
        if FileOutput.isDirectory(path) { throw AenetError("is a directory, not a generate.in file", file: path) }
        return try FilesDeck(deck: Deck(path: path))
    }

    public static func parse(_ text: String, path: String = "<generate.in>") throws -> FilesDeck {
        try FilesDeck(deck: Deck(text: text, path: path))
    }

    /// Splits `deck` around its FILES block, found and read as `GenerateInput` reads it.
    public init(deck: Deck) throws {
        var lines = deck.lines
        if lines.last == "" { lines.removeLast() }
        guard let k = deck.find("files") else {
            throw AenetError("no FILES keyword: not a generate.in deck", file: deck.path)
        }
        let c = try deck.logicalLines(after: k, count: 1, what: "number of structures")[0]
        guard let first = ListDirected.values(c.text).first, let count = ListDirected.int(first), count >= 0 else {
            throw deck.error("expected the number of structures after FILES", line: c.index)
        }
        let found = Array(deck.logicalLines(after: c.index).prefix(count))
        guard found.count == count else {
            throw deck.error("FILES announces \(count) structures but only \(found.count) paths follow", line: c.index)
        }
        head = lines[..<k].map(String.init)
        keywordLine = String(lines[k])
        paths = found.map { $0.text.trimmingCharacters(in: .whitespaces) }
        pathLines = found.map { $0.index + 1 }
        tail = lines[((found.last?.index ?? c.index) + 1)...].map(String.init)
    }

    /// The same deck with its OUTPUT file renamed by inserting `suffix` before the extension
    /// (`tio2.train` → `tio2-test.train`), so that two decks made from one can be run side by side.
    /// A deck without OUTPUT gets `OUTPUT refdata<suffix>.train` (aenet's default name, renamed).
    public func withOutput(suffix: String) -> FilesDeck {
        var copy = self
        func renamed(_ name: String) -> String {
            let base = FileOutput.lastComponent(of: name)
            guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return name + suffix }
            let ext = base[dot...]
            return String(name.dropLast(ext.count)) + suffix + ext
        }
        if let k = head.indices.first(where: {
            Deck.logical(head[$0][...]) != nil && ListDirected.values(head[$0]).first?.lowercased() == "output"
        }) {
            let words = ListDirected.words(head[k][...])
            let value = words.count > 1 ? String(words[1]) : "refdata.train"
            copy.head[k] = "\(words.first ?? "OUTPUT") \(renamed(value))"
        } else {
            copy.head.insert("OUTPUT \(renamed("refdata.train"))", at: 0)
        }
        return copy
    }

    /// The deck text with `paths` as its FILES list (count line = `paths.count`).
    public func render(paths newPaths: [String]) -> String {
        var out = ""
        for line in head { out += line; out += "\n" }
        out += ListDirected.values(keywordLine).first == "FILES" ? keywordLine : "FILES"
        out += "\n\(newPaths.count)\n"
        for p in newPaths { out += p; out += "\n" }
        for line in tail { out += line; out += "\n" }
        return out
    }
}
