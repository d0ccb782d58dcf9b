import AenetCore
import AenetTraining
import AenetAugment
import AenetCore

// aenet's informational text about files and networks, as train.x, predict.x and generate.x print it.

extension TrainingSetInfo {
    /// aenet's `ts_print_info` text (section header included).
    /// - Parameter structuresSoFar: when fewer structures than announced were handled (aenet prints a line for it).
    public func formattedInfo(structuresSoFar: Int? = nil, writing: Bool = true) -> String {
        var o = "\n" + AenetText.header("Training set info.") + "\n"
        o += " Training set file                   : \(file)\n"
        o += " Number of structures in the data set: \(structureCount)\n"
        if let k = structuresSoFar, k != structureCount {
            o += writing ? "   Structures included so far        : \(k)\n" : "   Structures read so far            : \(k)\n"
        }
        o += "\n"
        o += " Atomic species in training set      : \(typeNames.count)\n"
        o += "   Species :" + typeNames.map { " " + $0 }.joined() + "\n\n"
        if normalized || structuresSoFar == nil || structuresSoFar == structureCount {
            o += " Average energy (eV/atom) : \(FortranFormat.adjustl(averageEnergy, digits: 6))\n"
            o += " Minimum energy (eV/atom) : \(FortranFormat.adjustl(minimumEnergy, digits: 6))\n"
            o += " Maximum energy (eV/atom) : \(FortranFormat.adjustl(maximumEnergy, digits: 6))\n\n"
        }
        if normalized {
            o += " The input and output values have been normalized to [-1.0, 1.0].\n"
            o += " Structures outside of this interval will not be used for training.\n"
            o += "   Energy scaling factor: \(FortranFormat.adjustl(scale, digits: 6))\n"
            o += "   Atomic energy shift  : \(FortranFormat.adjustl(shift, digits: 6))\n"
        } else {
            o += " The input and output values have not yet been normalized.\n"
        }
        return o + "\n"
    }
}

extension FeedForwardNetwork {
    /// ff_print_info's text (architecture, memory, weight count).
    public var infoText: String {
        var s = " Number of layers : \(FortranFormat.i(layerCount, 3))\n\n"
        s += " Number of nodes (without bias) \n and activation type per layer :\n\n"
        s += "     \(FortranFormat.i(1, 3)) : \(FortranFormat.i(layerSizes[0], 5))\n"
        for l in 1..<layerCount {
            s += "     \(FortranFormat.i(l + 1, 3)) : \(FortranFormat.i(layerSizes[l], 5))  \(activations[l - 1].description)\n"
        }
        s += "\n"
        s += " Required memory (words) : \(FortranFormat.i(memoryWords, 10)) (\(FortranFormat.f(Double(memoryWords * 8) / 1024, 10, 2)) KB)\n\n"
        s += " Total number of weights (incl. bias) : \(FortranFormat.i(weightCount, 8))\n\n"
        return s
    }
}

extension Potential {
    /// pot_print_info's text: species, file, training-set info, network and setup.
    public var infoText: String {
        " Atomic species : \(species.trimmingBlanks)\n File name      : \(path)\n\n"
            + trainingSet.formattedInfo().dropFirst() + network.infoText + setup.formattedInfo()
    }
}
