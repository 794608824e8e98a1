import Testing

@testable import Orchestration

@Suite struct BackendProbeTests {
    @Test func parsesRedisInfo() {
        let f = BackendProbe.info(
            "# Clients\r\nconnected_clients:3\r\n\r\n# Stats\r\ninstantaneous_ops_per_sec:120\r\n")
        #expect(f["connected_clients"] == "3")
        #expect(f["instantaneous_ops_per_sec"] == "120")
    }
}
