import Testing
@testable import AenetKit
