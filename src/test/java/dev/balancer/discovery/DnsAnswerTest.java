package dev.balancer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancer.config.BackendSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How one DNS answer becomes backends. Addresses are built from bytes: nothing is resolved here. */
class DnsAnswerTest {

    private static InetAddress address(int... bytes) throws UnknownHostException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return InetAddress.getByAddress("my-app", raw);
    }

    private static List<String> urls(List<BackendSpec> specs) {
        return specs.stream().map(spec -> spec.url().toString()).toList();
    }

    @Test
    void theOrderOfTheAnswerDoesNotMatterAndRepeatsCollapse() throws Exception {
        InetAddress a = address(10, 1, 0, 7);
        InetAddress b = address(10, 1, 0, 12);
        InetAddress c = address(10, 1, 2, 3);
        List<BackendSpec> one = DnsDiscovery.specs(List.of(c, a, b), 8080);
        List<BackendSpec> other = DnsDiscovery.specs(List.of(b, c, a, b), 8080);
        assertThat(one).isEqualTo(other);
        assertThat(urls(one)).containsExactly("http://10.1.0.12:8080", "http://10.1.0.7:8080", "http://10.1.2.3:8080");
        assertThat(one).allSatisfy(spec -> assertThat(spec).isEqualTo(BackendSpec.of(spec.url())));
    }

    @Test
    void ipv6AddressesBecomeBracketedUrlsWithoutZone() throws Exception {
        InetAddress v6 = InetAddress.getByAddress("my-app", new byte[] {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5});
        assertThat(urls(DnsDiscovery.specs(List.of(v6), 80))).containsExactly("http://[fd00:0:0:0:0:0:0:5]:80");
    }
}
