import AenetCore
import AenetTraining
import AenetAugment
import Foundation

/// An aenet input deck (generate.in, train.in, predict.in) and aenet's way of reading it (aenet input.f90 and ext/io.f90).
///
/// A *logical* line is a physical line that is neither blank nor starts (after leading blanks)
/// with `!`, `#` or `%`. A keyword is the first value of a logical line, compared without regard
/// to case; the first matching line in the file wins, wherever it is.
public struct Deck: Sendable {
    public let path: String
    /// Physical lines, without line terminators.
    public let lines: [Substring]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AenetError(.missingFile, "cannot read input file (missing or unreadable)", file: path)
        }
        self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }

    public init(text: String, path: String = "<deck>") {
        self.path = path
        // Split the UTF-8 bytes at LF: as Characters, CR LF is one grapheme and would not split.
        lines = text.utf8.split(separator: 10, omittingEmptySubsequences: false).map {
            let line = text[$0.startIndex..<$0.endIndex]
            return line.utf8.last == 13 ? line.dropLast() : line
        }
    }

    /// The line with leading blanks removed, or nil for a blank or comment line.
    public static func logical(_ raw: Substring) -> Substring? {
        let t = raw.drop(while: { $0 == " " || $0 == "\t" })
        guard let c = t.first, c != "!", c != "#", c != "%" else { return nil }
        return t
    }

    /// Index of the first logical line whose keyword is `keyword` (any case).
    public func find(_ keyword: String) -> Int? {
        let key = keyword.lowercased()
        for (i, raw) in lines.enumerated() {
            guard let l = Deck.logical(raw), let first = ListDirected.values(l).first else { continue }
            if first.lowercased() == key { return i }
        }
        return nil
    }

    /// The logical lines after line `index`, with their indices.
    public func logicalLines(after index: Int) -> some Sequence<(index: Int, text: Substring)> {
        lines.indices.dropFirst(index + 1).lazy.compactMap { i in Deck.logical(lines[i]).map { (i, $0) } }
    }

    /// The next `count` logical lines after `index`, or an error naming what was expected.
    public func logicalLines(after index: Int, count: Int, what: String) throws -> [(index: Int, text: Substring)] {
        let found = Array(logicalLines(after: index).prefix(count))
        guard found.count == count else {
            throw error("expected \(count) \(what) after this line, found \(found.count)", line: index)
        }
        return found
    }

    /// The values after the keyword on its line, or nil when the keyword is absent.
    public func arguments(_ keyword: String) -> (index: Int, values: [Substring])? {
        guard let i = find(keyword), let l = Deck.logical(lines[i]) else { return nil }
        return (i, Array(ListDirected.values(l).dropFirst()))
    }

    /// A flag: absent → nil; `KEY` alone → true; `KEY t|f|.true.|…` → that value.
    public func flag(_ keyword: String) throws -> Bool? {
        guard let (i, v) = arguments(keyword) else { return nil }
        guard let first = v.first else { return true }
        guard let b = ListDirected.logical(first) else {
            throw error("'\(first)' is not a logical value for \(keyword.uppercased()); write T or F (or nothing)", line: i)
        }
        return b
    }

    /// A real value; a keyword without a value gives 0 as in aenet.
    public func double(_ keyword: String) throws -> Double? {
        guard let (i, v) = arguments(keyword) else { return nil }
        guard let first = v.first else { return 0 }
        guard let x = ListDirected.double(first) else {
            throw error("'\(first)' is not a number for \(keyword.uppercased())", line: i)
        }
        return x
    }

    /// An integer value; a keyword without a value gives 0 as in aenet.
    public func int(_ keyword: String) throws -> Int? {
        guard let (i, v) = arguments(keyword) else { return nil }
        guard let first = v.first else { return 0 }
        guard let x = ListDirected.int(first) else {
            throw error("'\(first)' is not an integer for \(keyword.uppercased())", line: i)
        }
        return x
    }

    /// A word value (path or name): the whole blank-separated word, `/` included (fixes aenet's a quirk listed in compat/DIFFERENCES.md).
    public func word(_ keyword: String) -> String? {
        guard let i = find(keyword), let l = Deck.logical(lines[i]) else { return nil }
        let w = ListDirected.words(l)
        return w.count > 1 ? String(w[1]) : ""
    }

    /// An error located at physical line `index` (0-based) of this deck.
    public func error(_ message: String, line index: Int) -> AenetError {
        AenetError(message, file: path, line: index + 1)
    }
}

/// aenet's `io_readval`: case-sensitive search for `key` anywhere in the line (first occurrence),
/// then the first `=` after it, then the first list-directed value (aenet input.f90 and ext/io.f90, a quirk listed in compat/DIFFERENCES.md).
enum KeyValue {
    public enum Lookup: Equatable { case absent, noEquals, value(Substring) }

    public static func lookup(_ key: String, in line: Substring) -> Lookup {
        guard let r = line.range(of: key) else { return .absent }
        guard let eq = line[r.upperBound...].firstIndex(of: "=") else { return .noEquals }
        guard let v = ListDirected.values(line[line.index(after: eq)...]).first else { return .value("") }
        return .value(v)
    }
}
