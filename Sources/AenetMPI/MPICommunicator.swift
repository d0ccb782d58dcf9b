import AenetCore
import CMPI
import Foundation

/// `Communicator` over MPI_COMM_WORLD (Open MPI). Only built with `AENET_MPI=1`.
public final class MPICommunicator: Communicator {
    /// Payload bytes this rank sent and received in collectives (AENET_MPI_STATS=1 prints them
    /// at exit; benchmarks/mpi-train.sh).
    nonisolated(unsafe) static var stats = (collectives: 0, sent: 0, received: 0)
    /// How many sums over ranks (`allreduceSum`) of each length (in doubles) this rank took part in
    /// (printed with the stats: shows which messages a method sends, e.g. lm's per-step choice).
    nonisolated(unsafe) static var sumLengths: [Int: Int] = [:]

    func count(sent: Int, received: Int) {
        Self.stats.collectives += 1; Self.stats.sent += sent; Self.stats.received += received
    }

    public let rank: Int
    public let size: Int
    let world = cmpi_comm_world()

    /// MPI_Init (once per process); MPI_Finalize runs at exit.
    public static func start() -> MPICommunicator {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        MPI_Init(&argc, &argv)
        atexit {
            if ProcessInfo.processInfo.environment["AENET_MPI_STATS"] == "1" {
                let s = MPICommunicator.stats
                var r: Int32 = 0
                MPI_Comm_rank(cmpi_comm_world(), &r)
                FileHandle.standardError.write(Data("aenet-mpi: rank \(r): \(s.collectives) collectives, \(s.sent) bytes sent, \(s.received) bytes received\n".utf8))
                let sums = MPICommunicator.sumLengths.sorted { $0.key > $1.key }.map { "\($0.key)x\($0.value)" }
                FileHandle.standardError.write(Data("aenet-mpi: sums over ranks on rank \(r) (doubles x count): \(sums.joined(separator: " "))\n".utf8))
            }
            MPI_Finalize()
        }
        return MPICommunicator()
    }

    init() {
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(cmpi_comm_world(), &r)
        MPI_Comm_size(cmpi_comm_world(), &s)
        rank = Int(r); size = Int(s)
    }

    /// Pieces of at most this many doubles (bounded memory on the root: size × chunk).
    static let chunk = 1 << 16

    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) {
        guard size > 1, let base = buffer.baseAddress else { return }
        Self.sumLengths[buffer.count, default: 0] += 1
        var all = [Double](repeating: 0, count: rank == 0 ? size * min(Self.chunk, buffer.count) : 0)
        var start = 0
        while start < buffer.count {
            let n = min(Self.chunk, buffer.count - start)
            all.withUnsafeMutableBufferPointer { a in
                _ = MPI_Gather(base + start, Int32(n), cmpi_double(), a.baseAddress, Int32(n), cmpi_double(), 0, world)
                count(sent: rank == 0 ? 0 : 8 * n, received: rank == 0 ? 8 * n * (size - 1) : 0)
                if rank == 0 {
                    // rank 0 + rank 1 + … in this order: the same sum in every run.
                    for i in 0..<n {
                        var s = a[i]
                        for r in 1..<size { s += a[r * n + i] }
                        base[start + i] = s
                    }
                }
            }
            _ = MPI_Bcast(base + start, Int32(n), cmpi_double(), 0, world)
            count(sent: rank == 0 ? 8 * n * (size - 1) : 0, received: rank == 0 ? 0 : 8 * n)
            start += n
        }
    }

    public func broadcast(_ bytes: inout [UInt8], root: Int) {
        guard size > 1 else { return }
        var n = Int64(bytes.count)
        _ = MPI_Bcast(&n, 1, cmpi_int64(), Int32(root), world)
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(n)) }
        precondition(n < Int64(Int32.max), "broadcast of more than 2 GB")
        bytes.withUnsafeMutableBytes { _ = MPI_Bcast($0.baseAddress, Int32(n), cmpi_byte(), Int32(root), world) }
        count(sent: rank == root ? (8 + Int(n)) * (size - 1) : 0, received: rank == root ? 0 : 8 + Int(n))
    }

    public func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]]? {
        guard size > 1 else { return [bytes] }
        var n = Int64(bytes.count)
        var lengths = [Int64](repeating: 0, count: size)
        _ = MPI_Gather(&n, 1, cmpi_int64(), &lengths, 1, cmpi_int64(), Int32(root), world)
        let total = rank == root ? lengths.reduce(0, +) : 0
        precondition(total < Int64(Int32.max), "gather of more than 2 GB")
        var counts = lengths.map { Int32($0) }, displs = [Int32](repeating: 0, count: size)
        for r in 1..<size { displs[r] = displs[r - 1] + counts[r - 1] }
        var all = [UInt8](repeating: 0, count: Int(total))
        bytes.withUnsafeBytes { b in
            all.withUnsafeMutableBytes { a in
                _ = MPI_Gatherv(b.baseAddress, Int32(n), cmpi_byte(), a.baseAddress, &counts, &displs, cmpi_byte(), Int32(root), world)
            }
        }
        count(sent: rank == root ? 0 : 8 + Int(n), received: rank == root ? Int(total) - Int(n) + 8 * (size - 1) : 0)
        guard rank == root else { return nil }
        return (0..<size).map { Array(all[Int(displs[$0])..<Int(displs[$0] + counts[$0])]) }
    }

    public func barrier() { _ = MPI_Barrier(world) }

    public func abort(code: Int32) -> Never {
        fflush(nil)
        MPI_Abort(world, code)
        exit(code)
    }
}
