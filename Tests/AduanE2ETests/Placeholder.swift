import Testing

@Test func gatewayDaemonsAreInstalledWhereCIRuns() {
    // The real tests arrive with the gateway issue; CI installs the daemons.
    #expect(Bool(true))
}
