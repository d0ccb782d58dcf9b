import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

@Suite struct ListDirectedTests {
    @Test func valuesFollowGfortranRules() {
        #expect(ListDirected.values("a, b;c  d").map(String.init) == ["a", "b", "c", "d"])
        #expect(ListDirected.values("../nets/Ti.nn x").map(String.init) == [".."])
        #expect(ListDirected.values("'a b/c' d").map(String.init) == ["a b/c", "d"])
        #expect(ListDirected.words("../nets/Ti.nn x").map(String.init) == ["../nets/Ti.nn", "x"])
    }

    @Test func fortranNumbers() {
        #expect(ListDirected.double("0.55d0") == 0.55)
        #expect(ListDirected.double("1.5D-3") == 1.5e-3)
        #expect(ListDirected.double("7") == 7)
        #expect(ListDirected.double("-.5") == -0.5)
        #expect(ListDirected.double("1.0-3") == 1e-3)
        #expect(ListDirected.double("abc") == nil)
        #expect(ListDirected.double("nan") == nil)
        #expect(ListDirected.int("3.7") == nil)
        #expect(ListDirected.logical(".true.") == true)
        #expect(ListDirected.logical("F") == false)
        #expect(ListDirected.logical("yes") == nil)
    }
}

@Suite struct DeckTests {
    let deck = Deck(text: """
        ! comment
          # another
        % third
        output  'my dir/out.train'
        Types
        2
        Ti -1626.66972707  ! eV
        O   -433.23448532d0
        FORCES
        timing F
        debug yes
        iterations
        """, path: "t.in")

    @Test func keywordsIgnoreCaseAndComments() throws {
        #expect(deck.find("TYPES") == 4)
        #expect(deck.word("OUTPUT") == "my dir/out.train")
        #expect(try deck.flag("forces") == true)
        #expect(try deck.flag("timing") == false)
        #expect(try deck.flag("missing") == nil)
        #expect(try deck.int("iterations") == 0)
    }

    @Test func badLogicalNamesFileAndLine() {
        do {
            _ = try deck.flag("debug")
            Issue.record("expected an error")
        } catch let e as AenetError {
            #expect(e.file == "t.in" && e.line == 11)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func keyValueIsCaseSensitiveSubstringSearch() {
        #expect(KeyValue.lookup("eta", in: "G=4 zeta=2.0 eta=0.5") == .value("2.0"))
        #expect(KeyValue.lookup("lambda", in: "lambda0=0.97 lambda=0.99") == .value("0.97"))
        #expect(KeyValue.lookup("Rc", in: "rc=3") == .absent)
        #expect(KeyValue.lookup("type", in: "BASIS type") == .noEquals)
    }
}

@Suite struct SetupFileTests {
    @Test func chebyshevSetup() throws {
        let parsed = try SetupFile.parse(Deck(text: """
            DESCR
              First line.
              Second line.
            END DESCR
            atom Ti
            ENV 2
            ! comment between
            Ti
            O
            RMIN 0.55d0
            BASIS type=chebyshev
            radial_Rc = 8.0  radial_N = 16 angular_Rc = 6.5  angular_N = 4
            """, path: "Ti.stp"))
        let s = parsed.setup
        #expect(parsed.warnings.isEmpty && parsed.rminGiven)
        #expect(s.description == "  First line.$$  Second line.$$")
        #expect(s.atomType == "Ti" && s.envTypes == ["Ti", "O"])
        #expect(s.rcMin == 0.55 && s.rcMax == 8.0)
        #expect(s.nsf == 44)
        #expect(s.sfParam[0..<4] == [8.0, 16, 6.5, 4])
        #expect(s.sfParam[4...].allSatisfy { $0 == 0 })
    }

    @Test func behlerSetupKeepsFileOrderAndSubstringQuirk() throws {
        let parsed = try SetupFile.parse(Deck(text: """
            ATOM O
            ENV 2
            Ti
            O
            FUNCTIONS type=Behler2011
            3
            G=2 type2=Ti eta=0.5 Rs=2.0 Rc=6.0
            G=4 type2=O type3=Ti eta=0.05 lambda=-1.0 zeta=2.0 Rc=5.5
            G=3 type2=O kappa=1.5 Rc=4.0
            """, path: "O.stp"))
        let s = parsed.setup
        #expect(parsed.warnings.count == 1 && !parsed.rminGiven)
        #expect(s.rcMin == 1.0 && s.rcMax == 6.0)
        #expect(s.sf == [2, 4, 3])
        #expect(s.sfEnv == [1, 0, 2, 1, 2, 0])
        #expect(Array(s.sfParam[0..<4]) == [6.0, 2.0, 0.5, 0])
        #expect(Array(s.sfParam[4..<8]) == [5.5, -1.0, 2.0, 0.05])
    }

    @Test func badSetupsAreRejectedWithTheirLine() {
        let cases: [(String, Int?)] = [
            ("ATOM Ti\nENV 1\nTi\nBASIS type=foo\nradial_Rc=1", 4),
            ("ATOM Ti\nBASIS type=Chebyshev\nradial_Rc=1 radial_N=2", 2),
            ("ATOM Ti\nENV 1\nTi\nFUNCTIONS type=Behler2011\n1\nG=2 type2=O Rc=3", 6),
            ("ATOM Ti\nENV 1\nTi\nFUNCTIONS type=Behler2011\n1\nG=7 type2=Ti Rc=3", 6),
            ("ATOM Ti\nENV 1\nTi\nRMIN 0.5\n", nil),
        ]
        for (text, line) in cases {
            do {
                _ = try SetupFile.parse(Deck(text: text, path: "x.stp"))
                Issue.record("accepted: \(text)")
            } catch let e as AenetError {
                #expect(e.file == "x.stp")
                #expect(e.line == line)
            } catch { Issue.record("\(error)") }
        }
    }
}

@Suite struct GenerateInputTests {
    @Test func deckVariants() throws {
        let g = try GenerateInput(deck: Deck(text: """
            # lower-case keywords, slashes in paths, d0 numbers
            output ../out/set.train
            types
            2
            Ti  -1626.66972707d0 | eV
            O   -433.2344853
            setups
            O  ../stp/O.stp
            Ti ../stp/Ti.stp
            forces
            forcespercent 50
            files
            ! the count
            2
            a/one.xsf
            % skipped
            two words.xsf
            """, path: "g.in"))
        #expect(g.output == "../out/set.train")
        #expect(g.typeNames == ["Ti", "O"])
        #expect(g.atomicEnergies == [-1626.66972707, -433.2344853])
        #expect(g.setupFiles == ["../stp/Ti.stp", "../stp/O.stp"])
        #expect(g.forces && g.forcesFraction == 0.5)
        #expect(g.structureFiles == ["a/one.xsf", "two words.xsf"])
    }

    @Test func defaults() throws {
        let g = try GenerateInput(deck: Deck(text: "TYPES\n1\nH -13.6\nSETUPS\nH H.stp\nFILES\n1\nh.xsf\n"))
        #expect(g.output == "refdata.train")
        #expect(!g.forces && g.forcesFraction == 0.01)
    }

    @Test func badDecks() {
        let bad = [
            "SETUPS\nH H.stp\nFILES\n1\nh.xsf",                       // no TYPES
            "TYPES\n1\nH -13.6\nFILES\n1\nh.xsf",                     // no SETUPS
            "TYPES\n1\nH -13.6\nSETUPS\nHe He.stp\nFILES\n1\nh.xsf",  // species not in TYPES
            "TYPES\n1\nH -13.6\nSETUPS\nH H.stp",                     // no FILES
            "TYPES\n1\nH -13.6\nSETUPS\nH H.stp\nFILES\n0",           // empty FILES
            "TYPES\n1\nH -13.6\nSETUPS\nH H.stp\nFILES\n3\na\nb",     // too few paths
            "TYPES\n1\nH abc\nSETUPS\nH H.stp\nFILES\n1\na",          // malformed number
        ]
        for text in bad {
            #expect(throws: AenetError.self, "\(text)") { try GenerateInput(deck: Deck(text: text)) }
        }
    }
}
