// Members the potential code of branch `predict` uses, on top of main's TrainingSetInfo
// (added when merging both into `train`; the lead may fold them in differently).
extension TrainingSetInfo {
    /// The free-atom energy of `species`, nil when the training set did not contain it.
    public func atomicEnergy(of species: String) -> Double? {
        typeNames.firstIndex(of: species).map { atomicEnergies[$0] }
    }

    /// ts_print_info's text for a loaded training set.
    public var infoText: String { formattedInfo() }
}

extension StringProtocol {
    /// Without leading and trailing blanks (Fortran's trim(adjustl(…))).
    var trimmingBlanks: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
