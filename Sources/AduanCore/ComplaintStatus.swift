/// Where a complaint stands. Identifiers are English and stable (they are in
/// the database and the JSON contract); the words citizens read come from the config.
public enum ComplaintStatus: String, Sendable, Codable, CaseIterable {
    case received
    case forwarded
    case inProgress = "in_progress"
    case resolved
    case rejected

    /// The word shown to citizens when the config gives none.
    public var defaultWord: String {
        switch self {
        case .received: "DITERIMA"
        case .forwarded: "DITERUSKAN"
        case .inProgress: "DIPROSES"
        case .resolved: "SELESAI"
        case .rejected: "DITOLAK"
        }
    }
}

public enum Priority: String, Sendable, Codable, CaseIterable {
    case normal
    case urgent
}
