import AenetCore
import ArgumentParser
import Foundation

/// kim-model: turns aenet `.nn` potentials into a KIM portable-model folder for the
/// aenet KIM model driver (kim/driver), ready for `kim-api-collections-management install`.
struct KimModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kim-model",
        abstract: "Write a KIM portable-model folder (for the aenet KIM model driver) from aenet .nn potentials.",
        discussion: """
        The species of each potential is read from its file. The folder holds the .nn files, a \
        settings file naming the species, a CMakeLists.txt and a README; install it with \
        `kim-api-collections-management install user DIR` after scripts/install-kim.sh has \
        installed the driver, then use it in LAMMPS with `kim init NAME metal`.
        """,
        version: "aenet-swift kim-model 0.1")

    @Option(help: "Model name (letters, digits and underscores, starting with a letter).")
    var name: String

    @Option(help: "Folder to write (created; must be empty or absent).")
    var output: String

    @Option(help: "Name of the installed model driver.")
    var driver: String = "aenet_swift_driver"

    @Argument(help: "Potential files, one per species (aenet .nn layout).")
    var potentials: [String] = []

    func run() throws {
        do {
            try write()
        } catch let e as AenetError {
            FileHandle.standardError.write(Data("Error: \(e)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func write() throws {
        guard KimModel.isItemName(name) else {
            throw AenetError("model name '\(name)' is not a KIM item name (letters, digits, underscores; starts with a letter)")
        }
        guard KimModel.isItemName(driver) else {
            throw AenetError("driver name '\(driver)' is not a KIM item name")
        }
        guard !potentials.isEmpty else { throw AenetError("no potential files given") }

        var loaded: [Potential] = []
        for path in potentials {
            let potential: Potential
            do { potential = try Potential.read(path: path) } catch let e as AenetError {
                throw e.file == nil && !e.message.contains(path) ? AenetError(e.message, file: path) : e
            } catch {
                throw AenetError("cannot read the potential: \(error)", file: path)
            }
            guard KimModel.elements.contains(potential.species) else {
                throw AenetError("species '\(potential.species)' is not a chemical element symbol (KIM species name)", file: path)
            }
            if let other = loaded.first(where: { $0.species == potential.species }) {
                throw AenetError("species \(potential.species) also comes from \(other.path)", file: path)
            }
            loaded.append(potential)
        }
        let species = Set(loaded.map(\.species))
        for p in loaded {
            let missing = p.setup.envTypes.filter { !species.contains($0) }
            guard missing.isEmpty else {
                throw AenetError("the potential of \(p.species) expects neighbour species \(p.setup.envTypes.joined(separator: " ")); no potential given for \(missing.joined(separator: " "))", file: p.path)
            }
        }

        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: output, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw AenetError("exists and is not a folder", file: output) }
            let contents = (try? fm.contentsOfDirectory(atPath: output)) ?? []
            guard contents.isEmpty else { throw AenetError("folder is not empty", file: output) }
        }
        // Write into a temporary sibling folder, then rename: never a half-written model.
        let parent = (output as NSString).deletingLastPathComponent
        let temporary = (parent.isEmpty ? "." : parent) + "/.\((output as NSString).lastPathComponent).tmp-\(getpid())"
        try? fm.removeItem(atPath: temporary)
        do {
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let settingsName = "\(name).settings"
            var settings = "aenet-kim-model 1\n# species  potential file (parameter files of this model)\n"
            var files: [String] = [settingsName]
            for p in loaded {
                let file = "\(p.species).nn"
                try Data(contentsOf: URL(fileURLWithPath: p.path)).write(to: URL(fileURLWithPath: temporary + "/" + file))
                settings += "\(p.species) \(file)\n"
                files.append(file)
            }
            try settings.write(toFile: temporary + "/" + settingsName, atomically: true, encoding: .utf8)
            try cmakeLists(files: files).write(toFile: temporary + "/CMakeLists.txt", atomically: true, encoding: .utf8)
            try readme(potentials: loaded).write(toFile: temporary + "/README", atomically: true, encoding: .utf8)
            if fm.fileExists(atPath: output) { try fm.removeItem(atPath: output) }
            try fm.moveItem(atPath: temporary, toPath: output)
        } catch let e as AenetError {
            try? fm.removeItem(atPath: temporary); throw e
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw AenetError("cannot write the model folder: \(error.localizedDescription)", file: output)
        }
        print("wrote KIM portable model \(name) (driver \(driver), species \(loaded.map(\.species).joined(separator: " "))) to \(output)")
        print("install it with: kim-api-collections-management install user \(output)")
    }

    private func cmakeLists(files: [String]) -> String {
        """
        # KIM portable model written by aenet-swift's kim-model.
        cmake_minimum_required(VERSION 3.10)

        list(APPEND CMAKE_PREFIX_PATH $ENV{KIM_API_CMAKE_PREFIX_DIR})
        find_package(KIM-API-ITEMS 2.2 REQUIRED CONFIG)

        kim_api_items_setup_before_project(ITEM_TYPE "portableModel")
        project(\(name))
        kim_api_items_setup_after_project(ITEM_TYPE "portableModel")

        add_kim_api_model_library(
          NAME            ${PROJECT_NAME}
          DRIVER_NAME     "\(driver)"
          PARAMETER_FILES \(files.map { "\"\($0)\"" }.joined(separator: " "))
          )

        """
    }

    private func readme(potentials: [Potential]) -> String {
        var s = """
        \(name): aenet artificial neural-network potential as a KIM portable model
        ==========================================================================

        Driver: \(driver) (aenet-swift, kim/driver), units Å and eV.
        Species: \(potentials.map(\.species).joined(separator: " "))

        Potential files:

        """
        for p in potentials {
            s += "- \(p.species).nn (from \(p.path)): \(p.setup.sfType) descriptors, \(p.setup.nsf) functions, "
            s += "cutoff \(p.setup.rcMax) Å, network \(p.network.inputCount)"
            s += "-\(p.network.layerSizes.dropFirst().map(String.init).joined(separator: "-"))\n"
        }
        s += """

        Use in LAMMPS:

            kim init \(name) metal
            read_data ...
            kim interactions \(potentials.map(\.species).joined(separator: " "))

        Citation (the method and file format):
        N. Artrith and A. Urban, Comput. Mater. Sci. 114 (2016) 135-150 (aenet);
        N. Artrith, A. Urban and G. Ceder, Phys. Rev. B 96 (2017) 014112 (Chebyshev descriptors).
        Add the reference of the data the potentials were trained on.

        """
        return s
    }

    static func isItemName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCII, CharacterSet.letters.contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || CharacterSet.alphanumerics.contains($0)) }
    }

    static let elements: Set<String> = Set("""
        H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr \
        Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm \
        Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No \
        Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og
        """.split(separator: " ").map(String.init))
}

KimModel.main()
