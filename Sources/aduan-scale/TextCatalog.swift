import AduanCore
import AduanDaemon
import Foundation

/// The complaint bodies of a run, per region, each read once by the real
/// rules (urgent words, agency words, dedupe key, the officials' summary).
///
/// Those readings are most of what a generated complaint costs, and they
/// depend on the body alone; a desk's texts repeat ("jalan rusak di …") far
/// more than this, so a run draws its bodies from a catalog of
/// `perRegion` per region (tens of thousands in all), built as they are first
/// drawn. A reading is reused only for exactly the string it was made from:
/// when the router hands back a different body, that one is read afresh.
///
/// Used by one prefetch thread at a time (each batch starts after the one
/// before it was handed over), so it needs no lock.
final class TextCatalog: @unchecked Sendable {
    struct Reading {
        var body: String
        var priority: Priority
        var agencySuggested: String?
        var dedupeKey: String
        var summary: String
    }

    let seed: UInt64
    let perRegion: Int
    let rules: DeskRules
    private var entries: [String: [Int: Reading]] = [:]
    private let regionSalt: [String: UInt64]
    private(set) var misses = 0

    init(seed: UInt64, complaints: Int, rules: DeskRules) {
        self.seed = seed
        self.rules = rules
        perRegion = min(10_000, max(200, complaints / 100))
        let regions = (rules.config.routes + [rules.config.triage]).map(\.region)
        regionSalt = Dictionary(regions.enumerated().map { ($1, UInt64($0) + 0x54455854) }, uniquingKeysWith: { a, _ in a })
    }

    /// The `index`-th body of the region (0 ..< perRegion).
    func body(region: String, index: Int) -> String {
        if let known = entries[region]?[index] { return known.body }
        return reading(region: region, index: index).body
    }

    /// The real rules' reading of `body`; from the catalog when it is that entry's exact text.
    func read(_ body: String, region: String, index: Int) -> Reading {
        let entry = entries[region]?[index] ?? reading(region: region, index: index)
        if entry.body == body { return entry }
        misses += 1
        return Self.read(body, rules: rules)
    }

    private func reading(region: String, index: Int) -> Reading {
        var random = SeededRandom(seed: seed, stream: UInt64(index), salt: regionSalt[region] ?? 0)
        let entry = Self.read(Population.body(region: region, random: &random), rules: rules)
        entries[region, default: [:]][index] = entry
        return entry
    }

    static func read(_ body: String, rules: DeskRules) -> Reading {
        Reading(body: body, priority: rules.urgent.matches(body) ? .urgent : .normal,
                agencySuggested: rules.agencies.suggest(body)?.agency, dedupeKey: MessageText.dedupeKey(body),
                summary: ComplaintSummary.of(body))
    }
}
