package io.conduitscale.notification;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps webhooks from reaching inside the network (SSRF): a URL whose host resolves to a loopback, private,
 * link-local (169.254.169.254, the cloud metadata service, among them), unique-local, shared (100.64/10),
 * multicast, unspecified or reserved address is refused, at registration (a 422) and again before every
 * delivery, because DNS can change in between. Redirects are never followed. The addresses in
 * {@code CONDUIT_WEBHOOKS_ALLOWED_PRIVATE_TARGETS} are exempt: a test-only allowance, so tests can deliver to a
 * receiver on 127.0.0.1. What remains: the HTTP client resolves the host once more itself, so a DNS answer that
 * changes within that moment (rebinding) is not caught; egress filtering in the network closes that gap.
 */
final class WebhookTargetGuard {

    private final Set<InetAddress> allowed = new HashSet<>();

    WebhookTargetGuard(List<String> allowedPrivateTargets) {
        for (String address : allowedPrivateTargets == null ? List.<String>of() : allowedPrivateTargets) {
            if (!address.isBlank()) {
                try {
                    allowed.add(InetAddress.ofLiteral(address.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("CONDUIT_WEBHOOKS_ALLOWED_PRIVATE_TARGETS takes IP addresses; got '" + address + "'");
                }
            }
        }
    }

    /** Why this URL must not be a webhook target, or empty if it may be. */
    Optional<String> refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return Optional.of("has no host");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return Optional.of("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!allowed.contains(address) && isInternal(address)) {
                return Optional.of("host " + host + " is a private, loopback or link-local address; webhooks must target a public address");
            }
        }
        return Optional.empty();
    }

    static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return isInternalV4(bytes, 0);
        }
        // fc00::/7 unique local (the EC2 metadata service's fd00:ec2::254 among them)
        if ((bytes[0] & 0xfe) == 0xfc) {
            return true;
        }
        // an IPv4 address inside IPv6: ::a.b.c.d (compatible) or 64:ff9b::a.b.c.d (NAT64)
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= bytes[i] == 0;
        }
        boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = bytes[i] == 0;
        }
        return (compatible || nat64) && isInternalV4(bytes, 12);
    }

    private static boolean isInternalV4(byte[] bytes, int at) {
        int a = bytes[at] & 0xff;
        int b = bytes[at + 1] & 0xff;
        int c = bytes[at + 2] & 0xff;
        return a == 0 || a == 10 || a == 127 || a >= 224                 // this network, private, loopback, multicast and reserved
                || (a == 169 && b == 254) || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168)
                || (a == 100 && b >= 64 && b <= 127)                     // shared address space (carrier-grade NAT)
                || (a == 192 && b == 0 && c == 0)                        // IETF protocol assignments
                || (a == 198 && (b == 18 || b == 19));                   // benchmarking
    }
}
