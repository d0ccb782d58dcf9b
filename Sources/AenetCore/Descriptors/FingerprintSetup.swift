/// The structural-fingerprint setup of one species: aenet's `Setup` (aenet sfsetup.f90, save_Setup), as read from a
/// `.stp` file, stored in training-set footers and in `.nn` potentials.
///
/// The statistics (`neval`, min/max/avg/cov) describe the raw fingerprints of all atoms of this
/// species that went into a training set; `cov` is the running mean of squares, as in aenet.
public struct FingerprintSetup: Sendable, Equatable {
    public var description: String = ""
    public var atomType: String = ""
    public var envTypes: [String] = []
    public var rcMin: Double = 0
    public var rcMax: Double = 0
    /// `Chebyshev` or `Behler2011`, spelled as in the `.stp` file.
    public var sfType: String = ""
    public var nsf: Int = 0
    public var nsfParam: Int = 4
    /// Function kinds (Behler2011: 1…5; Chebyshev: all 0), file order.
    public var sf: [Int] = []
    /// Parameters, 4 per function, column-major `sfparam(1:4, 1:nsf)`.
    public var sfParam: [Double] = []
    /// ENV indices (1-based) of type2/type3, 2 per function.
    public var sfEnv: [Int] = []
    public var neval: Int = 0
    public var sfvalMin: [Double] = []
    public var sfvalMax: [Double] = []
    public var sfvalAvg: [Double] = []
    public var sfvalCov: [Double] = []

    public init() {}

    public var isChebyshev: Bool { sfType.lowercased() == "chebyshev" }
    public var isBehler2011: Bool { sfType.lowercased() == "behler2011" }

    /// Chebyshev parameters (radial Rc, radial order, angular Rc, angular order) from column 1.
    public var chebyshevParameters: (radialRc: Double, radialN: Int, angularRc: Double, angularN: Int) {
        (sfParam[0], Int(sfParam[1].rounded()), sfParam[2], Int(sfParam[3].rounded()))
    }

    /// Adds one atom's raw fingerprint to the statistics, exactly in aenet's arithmetic (stp_eval).
    public mutating func accumulate(_ g: UnsafePointer<Double>) {
        if neval == 0 {
            for i in 0..<nsf { sfvalMin[i] = g[i]; sfvalMax[i] = g[i]; sfvalAvg[i] = g[i]; sfvalCov[i] = g[i] * g[i] }
        } else {
            let n = Double(neval), n1 = Double(neval + 1)
            for i in 0..<nsf {
                sfvalMin[i] = min(sfvalMin[i], g[i])
                sfvalMax[i] = max(sfvalMax[i], g[i])
                sfvalAvg[i] = (n * sfvalAvg[i] + g[i]) / n1
                sfvalCov[i] = (n * sfvalCov[i] + g[i] * g[i]) / n1
            }
        }
        neval += 1
    }

    /// Resets the statistics (a freshly read `.stp` has none).
    public mutating func clearStatistics() {
        neval = 0
        sfvalMin = Array(repeating: 0, count: nsf); sfvalMax = sfvalMin; sfvalAvg = sfvalMin; sfvalCov = sfvalMin
    }
}

extension FingerprintSetup {
    /// The 17 records of aenet's `save_Setup`.
    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(description, length: 1024) }
        w.record { $0.append(atomType, length: 2) }
        w.record { $0.append(envTypes.count) }
        w.record { r in for t in envTypes { r.append(t, length: 2) } }
        w.record { $0.append(rcMin) }
        w.record { $0.append(rcMax) }
        w.record { $0.append(sfType, length: 100) }
        w.record { $0.append(nsf) }
        w.record { $0.append(nsfParam) }
        w.record { $0.append(sf) }
        w.record { $0.append(sfParam) }
        w.record { $0.append(sfEnv) }
        w.record { $0.append(neval) }
        w.record { $0.append(sfvalMin) }
        w.record { $0.append(sfvalMax) }
        w.record { $0.append(sfvalAvg) }
        w.record { $0.append(sfvalCov) }
    }

    /// Reads the 17 records of aenet's `load_Setup`.
    public static func read(from r: FortranRecordReader) throws -> FingerprintSetup {
        var s = FingerprintSetup()
        var rec = try r.next(); s.description = try rec.string(min(rec.count, 1024))
        rec = try r.next(); s.atomType = try rec.string(min(rec.count, 2))
        rec = try r.next(); let nenv = try rec.int()
        guard (1...SetupLimits.maxEnvironmentSpecies).contains(nenv) else { throw r.failure("implausible number of environment species \(nenv)") }
        rec = try r.next(); s.envTypes = try (0..<nenv).map { _ in try rec.string(2) }
        rec = try r.next(); s.rcMin = try rec.double()
        rec = try r.next(); s.rcMax = try rec.double()
        rec = try r.next(); s.sfType = try rec.string(min(rec.count, 100))
        rec = try r.next(); s.nsf = try rec.int()
        rec = try r.next(); s.nsfParam = try rec.int()
        guard (1...SetupLimits.maxFunctions).contains(s.nsf), s.nsfParam == 4 else { throw r.failure("corrupt fingerprint setup (nsf \(s.nsf), nsfparam \(s.nsfParam))") }
        rec = try r.next(); s.sf = try rec.ints(s.nsf)
        rec = try r.next(); s.sfParam = try rec.doubles(4 * s.nsf)
        rec = try r.next(); s.sfEnv = try rec.ints(2 * s.nsf)
        rec = try r.next(); s.neval = try rec.int()
        rec = try r.next(); s.sfvalMin = try rec.doubles(s.nsf)
        rec = try r.next(); s.sfvalMax = try rec.doubles(s.nsf)
        rec = try r.next(); s.sfvalAvg = try rec.doubles(s.nsf)
        rec = try r.next(); s.sfvalCov = try rec.doubles(s.nsf)
        if let problem = s.limitProblem() { throw r.failure("unusable fingerprint setup for \(s.atomType): \(problem) (corrupt file)") }
        return s
    }
}

extension FingerprintSetup {
    /// The feature standardization of aenet (stp_normalize): per feature x = factor·(G − shift)
    /// with the training set's mean and 1/standard deviation. A feature whose spread is ≤ 1e-10
    /// (or negative by round-off, where aenet would produce NaN) gets factor 0; its indices are
    /// returned as `constant`. Used when normalizing a training set and when evaluating a potential.
    public func featureScaling() -> (shift: [Double], factor: [Double], constant: [Int]) {
        var f = [Double](repeating: 0, count: nsf), constant: [Int] = []
        for i in 0..<nsf {
            let sd = (sfvalCov[i] - sfvalAvg[i] * sfvalAvg[i]).squareRoot()
            if sd > 1e-10 { f[i] = 1.0 / sd } else { constant.append(i) }
        }
        return (sfvalAvg, f, constant)
    }
}
