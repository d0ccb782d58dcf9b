import AenetCore
import Foundation

/// What a training method sees of the problem: the weights, the loss and its derivatives,
/// and the order of structures in an epoch. `Trainer` is the one implementation.
public protocol TrainingProblem: AnyObject {
    /// All networks' weights concatenated in species order.
    var weights: [Double] { get set }
    var structureCount: Int { get }
    /// L2 weight decay λ (0 = off).
    var l2: Double { get }
    /// The training structures visited in one epoch (SAMPLING), `count` of them.
    func schedule(count: Int) -> [Int]
    /// Loss (with its share of the L2 term) and gradient at `w`, over `batch` (nil = all structures).
    func lossAndGradient(_ w: [Double], _ g: inout [Double], batch: [Int]?) -> Double
    /// dE of structure k at `w`, ∂dE/∂w into `derivative`.
    func structureError(_ w: [Double], structure k: Int, derivative: inout [Double]) -> Double
    /// dE and ∂dE/∂w (column-major, weightCount × batch.count) of a batch at `w`.
    func jacobian(_ w: [Double], batch: [Int], into jac: inout [Double], errors: inout [Double])
    /// The normal equations of a Levenberg–Marquardt step on a batch at `w`: `H` ← J·Jᵀ (upper
    /// triangle of the column-major nw × nw matrix; the lower one is left as it is), `gradient` ←
    /// J·dE; returns ½ΣdE² of the batch. Over MPI ranks each rank forms them from the columns of the
    /// structures it holds, and the sums are reduced (nw(nw+1)/2 + nw + 1 doubles, any batch size).
    func normalEquations(_ w: [Double], batch: [Int], H: inout [Double], gradient: inout [Double],
                         wideBLAS: (() -> Void) -> Void) -> Double
    /// ½ΣdE² of a batch at trial weights `w` (no L2 term).
    func batchLoss(_ w: [Double], batch: [Int]) -> Double
    /// One epoch's mini-batches of about `size` structures: a fresh shuffle of the whole
    /// training set (structures with forces spread evenly over the batches).
    func epochBatches(size: Int) -> [[Int]]
}

/// One METHOD of train.in. Each owns its parameters (names, defaults, checks), its state, one
/// epoch of its update rule, its record in train.restart and its lines in train.out, so adding
/// a method means one new file plus a line in `TrainingMethods.all`.
public protocol TrainingMethod: AnyObject {
    /// train.in's name, also stored in train.restart.
    static var token: String { get }
    /// The name aenet prints as `Training method`.
    static var displayName: String { get }
    /// aenet's `trn_param` names, in aenet's order, with their defaults.
    static var parameters: [(name: String, value: Double)] { get }
    /// Why `values` (in the order of `parameters`) cannot be used, or nil when they can.
    static func problem(with values: [Double]) -> String?
    /// The sampling this method always uses (bfgs: sequential), or nil to follow SAMPLING.
    static var fixedSampling: Sampling? { get }
    /// The sampling when SAMPLING is not given (aenet presets random for adam).
    static var defaultSampling: Sampling { get }
    /// Whether REGULARIZATION l2 is supported.
    static var supportsL2: Bool { get }

    /// A fresh optimizer for `weightCount` weights and `structureCount` training structures.
    init(values: [Double], weightCount: Int, structureCount: Int)
    /// Bytes the optimizer will allocate for its state and work arrays (checked against the
    /// machine's memory before anything is allocated), with a few words on what they are.
    static func workingMemory(values: [Double], weightCount: Int, structureCount: Int) -> (bytes: Double, what: String)
    /// One epoch over `problem`. Returns true when the method has converged (only bfgs does).
    func epoch(_ problem: TrainingProblem) -> Bool
    /// The method's lines of `Training details` after `Training method` (aenet's text).
    static func detailLines(_ values: [Double]) -> String
    /// The method's lines of the `Training process` header after `Sampling type` (aenet's text).
    var processLines: String { get }
    /// The method's state, after train.restart's common records.
    func writeState(to w: inout FortranRecordWriter)
    /// Restores what `writeState` wrote; false when it does not fit these weights.
    func readState(from r: FortranRecordReader, weightCount: Int) throws -> Bool
}

extension TrainingMethod {
    public static var fixedSampling: Sampling? { nil }
    public static var defaultSampling: Sampling { .sequential }
    public static var supportsL2: Bool { true }
    public static func workingMemory(values: [Double], weightCount: Int, structureCount: Int) -> (bytes: Double, what: String) {
        (8 * 4 * Double(weightCount), "4 vectors of \(weightCount) weights")
    }
    public static func detailLines(_ values: [Double]) -> String { "" }
    public var processLines: String { "" }
}

/// A METHOD line as read from a deck: the method and its parameter values in aenet's order.
public struct MethodChoice: Sendable, Equatable {
    public let token: String
    public let values: [Double]

    /// The registered method of this choice.
    public var type: any TrainingMethod.Type { TrainingMethods.type(token)! }
    public var displayName: String { type.displayName }
    /// The method's lines of `Training details`.
    public var detailLines: String { type.detailLines(values) }

    /// aenet's default: bfgs.
    public static let bfgs = MethodChoice(uncheckedToken: "bfgs", values: [])

    init(uncheckedToken: String, values: [Double]) { token = uncheckedToken; self.values = values }

    /// The method `token` with `key=value` settings; unknown names and unusable values are errors.
    /// `online_gd` (aenet's documented name, which crashes aenet) means `online_sd` here.
    public init(token: String, settings: [String: Double]) throws {
        var t = token.lowercased()
        if t == "online_gd" { t = "online_sd" }
        guard let type = TrainingMethods.type(t) else {
            throw AenetError("unknown training method '\(token)'; use " + TrainingMethods.all.map { $0.token }.joined(separator: ", ")
                             + " (online_gd = online_sd)")
        }
        let spec = type.parameters
        for k in settings.keys.sorted() where !spec.contains(where: { $0.name == k }) {
            let known = spec.isEmpty ? "it takes none" : "known: " + spec.map { $0.name }.joined(separator: ", ")
            throw AenetError("unknown parameter '\(k)' for method \(t) (\(known); names are case-sensitive)")
        }
        let v = spec.map { settings[$0.name] ?? $0.value }
        for (p, x) in zip(spec, v) where !x.isFinite {
            throw AenetError("\(t) parameter \(p.name)=\(x) is not a finite number")
        }
        if let why = type.problem(with: v) { throw AenetError("method \(t): \(why)") }
        self.token = t; values = v
    }

    /// Refuses, before anything is allocated, a method whose work arrays would take more than
    /// `limit` bytes, with the amount and what to change.
    public func checkMemory(weightCount: Int, structureCount: Int, limit: Double) throws {
        let need = type.workingMemory(values: values, weightCount: weightCount, structureCount: structureCount)
        guard need.bytes > limit else { return }
        func amount(_ b: Double) -> String { b >= 1e12 ? String(format: "%.3g TB", b / 1e12) : String(format: "%.3g GB", b / 1e9) }
        throw AenetError(.resources, "METHOD \(token) needs about \(amount(need.bytes)) of memory (\(need.what)) and this machine has \(amount(limit)): use smaller networks"
                         + (token == "lm" ? ", a smaller batchsize" : "") + " or METHOD bfgs or adam")
    }

    /// A new optimizer of this kind.
    public func make(weightCount: Int, structureCount: Int) -> any TrainingMethod {
        type.init(values: values, weightCount: weightCount, structureCount: structureCount)
    }
}

/// The methods train.in can name.
public enum TrainingMethods {
    public static var all: [any TrainingMethod.Type] { [BFGSMethod.self, OnlineSDMethod.self, AdamMethod.self, EKFMethod.self, LMMethod.self, AdamWMethod.self] }

    public static func type(_ token: String) -> (any TrainingMethod.Type)? { all.first { $0.token == token } }
}

/// `Int(x)` for a parameter that `problem(with:)` has bounded (never traps).
func boundedInt(_ x: Double, _ range: ClosedRange<Int>) -> Int {
    guard x.isFinite else { return range.lowerBound }
    return Int(min(max(x.rounded(.down), Double(range.lowerBound)), Double(range.upperBound)))
}

@inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in for i in 0..<pa.count { s += pa[i] * pb[i] } } }
    return s
}

@inline(__always) func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
    x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in for i in 0..<py.count { py[i] += a * px[i] } } }
}
