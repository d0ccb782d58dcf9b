import AenetCore
import AenetTraining

/// aenet-PyTorch's train.in keywords (its src/read_input.py), read on top of aenet's. A deck with
/// `FORCES` or with aenet-PyTorch's `METHOD` line (`method=adam|adamw lr=…`) trains with its loss
/// (1−α)·RMSE_E + α·RMSE_F on mini-batches; a deck with neither is an aenet deck and unchanged.
public struct TorchSettings: Sendable, Equatable {
    /// True when FORCES was given (then the `.forces` file is read and forces are trained).
    public var forces = false
    /// α of `FORCES` / `alpha=…` (0 without FORCES: energies only, as aenet-PyTorch).
    public var alpha = 0.0
    /// `adam` or `adamw` (PyTorch's optimizers of these names).
    public var optimizer = "adamw"
    public var learningRate = 0.0
    /// `lr_final=…` (our extension): geometric decay of the rate to this value over ITERATIONS.
    public var learningRateFinal = 0.0
    /// REGULARIZATION: PyTorch's `weight_decay` (L2 for adam, decoupled for adamw).
    public var weightDecay = 0.0
    /// BATCHSIZE (default 256 as aenet-PyTorch).
    public var batchSize = 256
    /// ITERWRITE: errors are printed every N epochs (default 1).
    public var iterWrite = 1
    /// NPSEED / PHSEED (defaults 11 / 22): our mini-batch order and weight initialisation seeds.
    public var npSeed = 11
    public var phSeed = 22
    public var saveForces = false
    /// MEMORY_MODE cpu|gpu (accepted; we always run on the CPU).
    public var memoryMode = "cpu"
    public var verbose = false
}

extension TrainInput {
    static func isTorchMethodLine(_ line: Substring) -> Bool {
        ListDirected.words(line).contains { $0.lowercased().hasPrefix("method=") }
    }

    /// `key=value` words of a line with string values (aenet-PyTorch's `p.split("=")`).
    static func stringSettings(_ line: Substring) -> [(key: String, value: String)] {
        ListDirected.words(line).compactMap { w in
            guard let eq = w.firstIndex(of: "=") else { return nil }
            return (String(w[..<eq]).lowercased(), String(w[w.index(after: eq)...]))
        }
    }

    mutating func readTorchKeywords(_ deck: Deck) throws {
        let methodLine: (index: Int, text: Substring)? = deck.find("METHOD").flatMap { deck.logicalLines(after: $0).first(where: { _ in true }) }
        let torchMethod = methodLine.map { Self.isTorchMethodLine($0.text) } ?? false
        let forcesLine = deck.find("FORCES")
        guard torchMethod || forcesLine != nil else { return }
        var t = TorchSettings()
        if let i = forcesLine {
            t.forces = true
            // alpha=… on the next logical line (aenet-PyTorch) or on the keyword line.
            var found: (line: Int, value: String)?
            for (j, text) in [(i, Deck.logical(deck.lines[i]) ?? "")] + Array(deck.logicalLines(after: i).prefix(1)) {
                if let a = Self.stringSettings(text).first(where: { $0.key == "alpha" }) { found = (j, a.value); break }
            }
            guard let (j, v) = found else {
                throw deck.error("FORCES needs alpha=<weight of the force error, 0…1> on the next line (as aenet-PyTorch's train.in)", line: i)
            }
            guard let a = ListDirected.double(v[...]), a.isFinite else { throw deck.error("'\(v)' is not a number for alpha", line: j) }
            guard (0...1).contains(a) else {
                throw deck.error("alpha=\(v) is outside [0, 1] (the loss is (1-alpha)*RMSE_E + alpha*RMSE_F)", line: j)
            }
            t.alpha = a
        }
        guard let (j, line) = methodLine else {
            throw deck.error("METHOD is missing: force training needs METHOD followed by a line such as 'method=adamw lr=0.0001'", line: forcesLine ?? 0)
        }
        var b1 = 0.9, b2 = 0.999, eps = 1e-8
        if torchMethod {
            let settings = Self.stringSettings(line)
            for (k, v) in settings {
                switch k {
                case "method":
                    let m = v.lowercased()
                    guard m == "adam" || m == "adamw" || m == "bfgs" else {
                        throw deck.error("method=\(v) is not supported; use method=adam, method=adamw or method=bfgs", line: j)
                    }
                    t.optimizer = m
                case "lr", "b1", "b2", "eps", "lr_final":
                    guard let x = ListDirected.double(v[...]), x.isFinite else { throw deck.error("'\(v)' is not a number for \(k)", line: j) }
                    switch k {
                    case "lr": t.learningRate = x
                    case "lr_final": t.learningRateFinal = x
                    case "b1": b1 = x
                    case "b2": b2 = x
                    default: eps = x
                    }
                default:
                    throw deck.error("unknown METHOD parameter '\(k)' (known: method, lr, b1, b2, eps; lr_final is our extension)", line: j)
                }
            }
            guard t.optimizer == "bfgs" || settings.contains(where: { $0.key == "lr" }) else {
                throw deck.error("METHOD needs lr=<learning rate> (as aenet-PyTorch: 'method=adamw lr=0.0001')", line: j)
            }
        } else {
            // An aenet METHOD line with FORCES: adam carries over (mu = the learning rate); bfgs
            // minimizes the same loss over the whole training set (our extension).
            if method.token == "bfgs" { t.optimizer = "bfgs" }
            guard method.token == "adam" || method.token == "bfgs" else {
                throw deck.error("force training supports the methods adam, adamw and bfgs; write 'method=adamw lr=0.0001' (aenet-PyTorch), 'adam mu=0.001' or 'bfgs'", line: j)
            }
            if t.optimizer != "bfgs" {
                let v = method.values
                t.optimizer = "adam"; t.learningRate = v[0]; b1 = v[1]; b2 = v[2]; eps = v[3]
                t.batchSize = max(1, Int(v[5]))
            }
        }
        if let v = try deck.int("BATCHSIZE") {
            guard v >= 1, v <= 100_000_000 else { throw deck.error("BATCHSIZE must be at least 1", line: deck.find("BATCHSIZE")!) }
            t.batchSize = v
        }
        if let v = try deck.int("ITERWRITE") {
            guard v >= 1 else { throw deck.error("ITERWRITE must be at least 1", line: deck.find("ITERWRITE")!) }
            t.iterWrite = v
        }
        if let v = try deck.int("NPSEED") { t.npSeed = v }
        if let v = try deck.int("PHSEED") { t.phSeed = v }
        t.saveForces = try deck.flag("SAVE_FORCES") ?? false
        t.verbose = try deck.flag("VERBOSE") ?? false
        if let (i, v) = deck.arguments("MEMORY_MODE") {
            let m = v.first.map { $0.lowercased() } ?? ""
            guard m == "cpu" || m == "gpu" else { throw deck.error("MEMORY_MODE must be cpu or gpu", line: i) }
            t.memoryMode = m
        }
        t.weightDecay = l2
        l2 = 0   // the optimizer applies it (PyTorch's weight_decay), not the loss
        if t.optimizer == "bfgs" {
            // Full-batch L-BFGS on the whole training set's loss (+ ½·REGULARIZATION·‖w‖²).
            do { method = try MethodChoice(token: "bfgs", settings: [:]) } catch let e as AenetError { throw deck.error(e.message, line: j) }
            methodToken = "bfgs"
            sampling = .sequential
            torch = t
            return
        }
        do {
            method = try MethodChoice(token: "adamw", settings: [
                "lr": t.learningRate, "b1": b1, "b2": b2, "eps": eps, "weight_decay": t.weightDecay,
                "batchsize": Double(t.batchSize), "decoupled": t.optimizer == "adamw" ? 1 : 0,
                "lr_final": t.learningRateFinal, "epochs": Double(iterations),
            ])
        } catch let e as AenetError { throw deck.error(e.message, line: j) }
        methodToken = t.optimizer
        sampling = .random
        torch = t
    }
}
