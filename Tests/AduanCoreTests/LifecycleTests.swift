import AduanCore
import Testing

struct TransitionCase: Sendable, CustomTestStringConvertible {
    var from: ComplaintStatus
    var action: DeskAction
    var to: ComplaintStatus?
    var testDescription: String { "\(from.rawValue) + \(action.commandName) → \(to?.rawValue ?? "refused")" }
}

let transitions: [TransitionCase] = [
    .init(from: .received, action: .forward(agency: "dpupr"), to: .forwarded),
    .init(from: .forwarded, action: .forward(agency: "dinkes"), to: .forwarded),
    .init(from: .inProgress, action: .forward(agency: "dinkes"), to: .forwarded),
    .init(from: .resolved, action: .forward(agency: "dpupr"), to: nil),
    .init(from: .received, action: .progress, to: .inProgress),
    .init(from: .forwarded, action: .progress, to: .inProgress),
    .init(from: .inProgress, action: .progress, to: nil),
    .init(from: .rejected, action: .progress, to: nil),
    .init(from: .forwarded, action: .resolve(answer: "Jalan sudah diaspal."), to: .resolved),
    .init(from: .received, action: .resolve(answer: "Sudah ditangani."), to: .resolved),
    .init(from: .rejected, action: .resolve(answer: "x"), to: nil),
    .init(from: .resolved, action: .resolve(answer: "x"), to: nil),
    .init(from: .forwarded, action: .resolve(answer: "  "), to: nil),
    .init(from: .received, action: .reject(reason: "Bukan kewenangan kabupaten."), to: .rejected),
    .init(from: .resolved, action: .reject(reason: "x"), to: nil),
    .init(from: .received, action: .reject(reason: ""), to: nil),
    .init(from: .resolved, action: .reopen, to: .forwarded),
    .init(from: .rejected, action: .reopen, to: .forwarded),
    .init(from: .forwarded, action: .reopen, to: nil),
    .init(from: .resolved, action: .note("Warga menelepon."), to: .resolved),
    .init(from: .received, action: .note(""), to: nil),
]

@Test("status transitions (§4)", arguments: transitions)
func transition(_ c: TransitionCase) {
    switch Lifecycle.next(from: c.from, c.action, ticket: "BJR-0001") {
    case .success(let status): #expect(status == c.to)
    case .failure(let error):
        #expect(c.to == nil, "refused: \(error)")
        #expect(error.description.hasPrefix("BJR-0001 is \(c.from.rawValue): "))
    }
}
