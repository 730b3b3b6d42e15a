import AduanCore
import Foundation

/// The generator's dice: SplitMix64 (so a seed names one database exactly),
/// with independent streams and the draws the simulation needs.
struct SeededRandom: RandomNumberGenerator {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// An independent stream for one thing (a complaint, a sender), derived
    /// from the run's seed and the thing's number: what happens to one
    /// complaint does not shift the dice of any other.
    init(seed: UInt64, stream: UInt64, salt: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ (salt &* 0xD1B5_4A32_D192_ED03))
        generator = SplitMix64(seed: mixer.next())
    }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in [low, high).
    mutating func between(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// Uniform in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// One of `items`, each as likely as its weight.
    mutating func pick<T>(_ items: [(T, Double)]) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var u = unit() * total
        for (item, weight) in items {
            if u < weight { return item }
            u -= weight
        }
        return items[items.count - 1].0
    }

    /// Log-normal around `median`: most values near it, a long tail above,
    /// which is how waiting times at a desk look.
    mutating func logNormal(median: Double, spread: Double) -> Double {
        // Box-Muller; 1 - unit() keeps the logarithm finite.
        let z = (-2 * log(1 - unit())).squareRoot() * cos(2 * Double.pi * unit())
        return median * exp(spread * z)
    }
}

