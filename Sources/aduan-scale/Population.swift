import AduanCore
import Foundation

/// Who writes to the desk, about what, and in which words: the vocabulary the
/// generator draws complaints from. The numbers are made up from the seed
/// (real operator prefixes, random subscriber digits); the texts are the kind
/// of thing the seeds' regencies receive, with the urgent and agency words of
/// the shipped config in them so priorities and suggestions come out as they
/// would in production.
enum Population {
    /// Share of complaints per route keyword ("" is triage: no keyword the router knows).
    static let routeWeights: [(String, Double)] = [
        ("BANJAR", 0.28), ("MASBUPSIAGA", 0.24), ("LAPAKADUAN", 0.20), ("DUMAS", 0.08), ("KAUR", 0.08), ("", 0.12),
    ]

    /// Places per region, for the `{place}` of a text.
    static let places: [String: [String]] = [
        "Kabupaten Banjar": ["Sungai Tabuk", "Martapura", "Astambul", "Karang Intan", "Gambut", "Aluh-Aluh",
                             "Sungai Lulut", "Pengaron", "Mataraman", "Simpang Empat"],
        "Kabupaten Pemalang": ["Comal", "Petarukan", "Randudongkal", "Moga", "Bantarbolang", "Ulujami", "Taman",
                               "Belik", "Watukumpul", "Ampelgading"],
        "Kabupaten Bombana": ["Rumbia", "Poleang", "Kabaena", "Rarowatu", "Lantari Jaya", "Mataoleo", "Tontonunu",
                              "Masaloka"],
        "Kabupaten Banyumas": ["Sokaraja", "Ajibarang", "Wangon", "Kembaran", "Baturraden", "Cilongok", "Patikraja",
                               "Sumbang", "Kedungbanteng", "Karanglewas"],
        "Kabupaten Kaur": ["Bintuhan", "Nasal", "Maje", "Tanjung Kemuning", "Semidang Gumay", "Kelam Tengah", "Luas",
                           "Muara Sahung"],
    ]

    /// Complaint texts; `{place}` and `{n}` are filled in. Weighted towards
    /// roads and documents, as desks report.
    static let topics: [(String, Double)] = [
        ("jalan di {place} rusak parah, banyak lubang, sudah {n} bulan tidak diperbaiki", 5),
        ("jembatan gantung di {place} hampir putus, anak sekolah takut lewat", 1.5),
        ("drainase di {place} tersumbat, air meluap ke rumah warga kalau hujan", 2),
        ("aspal jalan poros {place} mengelupas, mohon segera ditambal", 2),
        ("irigasi sawah di {place} kering, pintu air rusak sejak {n} bulan", 1),
        ("gorong-gorong depan SD di {place} ambruk", 0.8),
        ("ktp elektronik saya belum jadi sudah {n} bulan, katanya blangko habis", 3),
        ("mohon info syarat akta kelahiran anak, di {place} disuruh bolak balik", 2),
        ("kartu keluarga salah tulis nama ibu, sudah lapor ke {place} tapi belum diperbaiki", 1.5),
        ("puskesmas {place} tutup jam 11 padahal jam pelayanan sampai jam 2", 1.5),
        ("obat di puskesmas {place} kosong sudah {n} minggu", 1),
        ("bidan desa {place} jarang di tempat, ibu hamil susah periksa", 0.8),
        ("posyandu {place} tidak ada kegiatan {n} bulan", 0.5),
        ("pasien bpjs ditolak rumah sakit daerah, disuruh bayar umum", 0.8),
        ("sampah menumpuk di tps {place} sudah {n} hari tidak diangkut, bau sekali", 2.5),
        ("limbah pabrik tahu dibuang ke sungai di {place}", 0.8),
        ("pencemaran sungai di {place}, ikan banyak mati", 0.5),
        ("lampu penerangan di {place} mati sudah {n} minggu", 1.5),
        ("pungutan liar di kantor desa {place} untuk surat pengantar", 1),
        ("guru honorer di {place} belum terima gaji {n} bulan", 1),
        ("air pdam di {place} tidak mengalir {n} hari", 2),
        ("bansos di {place} tidak tepat sasaran, yang mampu malah dapat", 1.5),
        ("pelayanan di kantor camat {place} lambat, petugas sering tidak ada", 1),
        ("banjir di {place} setinggi lutut, warga butuh bantuan", 0.6),
        ("longsor menutup jalan di {place}, kendaraan tidak bisa lewat", 0.4),
        ("kebakaran lahan dekat {place}, asap masuk rumah warga", 0.3),
        ("ambulans desa {place} tidak bisa dipakai, darurat ada warga sakit", 0.2),
    ]

    static let topicTemplates: [(Template, Double)] = topics.map { (Template($0.0), $0.1) }
    static let closingTemplates: [Template] = closings.map(Template.init)

    static let closings = [
        "", "", "", " mohon segera ditindaklanjuti", " terima kasih", " tolong pak", ". mohon bantuannya",
        " hub saya di {number}", " mohon dicek",
    ]

    /// Operators at the desk, by login name (what `--as` defaults to).
    static let operators = ["rina", "budi", "sari", "agus", "dewi", "yusuf", "nurul", "eko", "fitri", "hendra"]

    static let answers = [
        "jalan sudah ditambal oleh tim UPT PUPR",
        "KTP sudah dicetak, silakan ambil di kantor kecamatan",
        "sampah sudah diangkut, jadwal angkut ditambah dua kali seminggu",
        "obat sudah tersedia kembali di puskesmas",
        "petugas sudah ke lokasi dan memperbaiki",
        "sudah dikoordinasikan dengan dinas terkait, perbaikan dijadwalkan bulan depan",
        "data sudah diperbaiki, silakan cetak ulang di kecamatan",
        "pelayanan sudah dievaluasi dan petugas sudah ditegur",
    ]

    static let reasons = [
        "bukan kewenangan pemerintah kabupaten",
        "isi aduan tidak jelas, mohon kirim ulang dengan lokasinya",
        "aduan yang sama sudah kami terima sebelumnya",
        "bukan aduan pelayanan publik",
    ]

    static let followUps = [
        "lokasinya di dekat masjid", "sampai sekarang belum ada petugas datang", "foto sudah saya kirim lewat wa",
        "tambahan: kondisinya makin parah", "mohon dipercepat",
    ]

    /// Mobile prefixes of the Indonesian operators (Telkomsel, Indosat, XL,
    /// Tri, Smartfren), international form.
    static let mobilePrefixes = [
        "62811", "62812", "62813", "62821", "62822", "62823", "62852", "62853", "62814", "62815", "62816", "62855",
        "62856", "62857", "62858", "62817", "62818", "62819", "62859", "62877", "62878", "62895", "62896", "62897",
        "62898", "62899", "62881", "62882", "62883", "62887", "62888",
    ]

    /// The sender with this number in the run: the same run and number always
    /// give the same phone. Fake numbers of real shape.
    static func phone(seed: UInt64, sender: Int) -> String {
        var random = SeededRandom(seed: seed, stream: UInt64(sender), salt: 0x50484F4E45)
        var number = random.pick(mobilePrefixes)
        for _ in 0..<(random.chance(0.7) ? 8 : 7) { number += String(random.below(10)) }
        return number
    }

    /// A body a citizen types after the keyword.
    static func body(region: String, random: inout SeededRandom) -> String {
        let place = random.pick(places[region] ?? places.values.flatMap { $0 }.sorted())
        let placeText: String = switch random.below(4) {
        case 0: "desa \(place)"
        case 1: "RT 0\(1 + random.below(9)) RW 0\(1 + random.below(9)) \(place)"
        case 2: "kec. \(place)"
        default: place
        }
        // Citizens often sign with their number, national form.
        let number = "0" + phone(seed: random.next(), sender: 0).dropFirst(2)
        let values = ["place": placeText, "n": String(2 + random.below(10)), "number": String(number)]
        let text = random.pick(topicTemplates).render(values) + random.pick(closingTemplates).render(values)
        switch random.below(10) {
        case 0, 1: return text.uppercased()
        case 2, 3: return text.prefix(1).uppercased() + text.dropFirst()
        default: return text
        }
    }

    /// How the citizen writes the keyword: mostly as configured, sometimes an
    /// alias, sometimes with a typo the router forgives (§3.3, §3.4).
    static func keyword(_ route: Route, random: inout SeededRandom) -> String {
        let separators = [" ", " ", " ", " ", "#", ".", ": ", " - "]
        var word = route.keyword
        let roll = random.unit()
        if roll < 0.15, let alias = route.aliases.first {
            word = alias
        } else if roll < 0.19, word.count >= 6 {
            // One letter dropped from the middle: distance 1 from this keyword only.
            var letters = Array(word)
            letters.remove(at: 1 + random.below(letters.count - 2))
            word = String(letters)
        }
        switch random.below(3) {
        case 0: word = word.lowercased()
        case 1: word = word.prefix(1) + word.dropFirst().lowercased()
        default: break
        }
        return word + random.pick(separators)
    }

    /// What a citizen types to ask after a ticket (forgiving ticket input, §3.5).
    static func statusText(ticket: Ticket, random: inout SeededRandom) -> String {
        let command = random.pick(["STATUS", "STATUS", "status", "Status", "CEK", "cek"])
        let written: String = switch random.below(4) {
        case 0: ticket.prefix.lowercased() + String(ticket.number)
        case 1: ticket.prefix + " " + String(ticket.number)
        default: ticket.description
        }
        return command + " " + written
    }
}
