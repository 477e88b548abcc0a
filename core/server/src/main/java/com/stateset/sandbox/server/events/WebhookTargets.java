package com.stateset.sandbox.server.events;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Where a webhook may point. Refused always: link-local addresses (169.254.0.0/16 with the cloud
 * metadata service, fe80::/10) and the other cloud metadata addresses, IPv6 addresses that embed an
 * IPv4 one (mapped, translated, NAT64, 6to4), special-purpose IPv4 ranges, multicast and the
 * unspecified address.
 * Refused unless {@code allowPrivateTargets}: loopback, private (10/8, 172.16/12, 192.168/16),
 * shared (100.64/10) and unique-local (fc00::/7) addresses. Checked when a webhook is registered
 * and again on every connection, through the {@link DnsResolver} the HTTP client uses, so a name
 * that later resolves elsewhere (DNS rebinding) is refused too. A name that does not resolve when
 * the webhook is registered is accepted (its DNS may come later); every delivery resolves it.
 */
public final class WebhookTargets implements DnsResolver {

    /** Cloud metadata services outside 169.254.0.0/16 (AWS over IPv6, Alibaba, Oracle). */
    private static final java.util.Set<String> METADATA = java.util.Set.of("fd00:ec2:0:0:0:0:0:254", "100.100.100.200",
            "192.0.0.192");

    private final boolean allowPrivate;
    private final boolean requireHttps;

    public WebhookTargets(boolean allowPrivate, boolean requireHttps) {
        this.allowPrivate = allowPrivate;
        this.requireHttps = requireHttps;
    }

    /** Why {@code url} may not be a webhook's, or null when it may. Resolves the host. */
    public String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "must be an http or https URL";
        }
        if (requireHttps && !scheme.equals("https")) {
            return "must be an https URL (webhooks.requireHttps)";
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "must name a host, without user or password";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "has no valid port";
        }
        try {
            resolve(uri.getHost());
            return null;
        } catch (RefusedAddressException e) {
            return e.getMessage();
        } catch (UnknownHostException notYetInDns) {
            return null;
        }
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        for (InetAddress address : addresses) {
            // Java turns an IPv4-mapped literal (::ffff:a.b.c.d) into an IPv4 address: refuse it as written.
            if (host.contains(":") && address instanceof Inet4Address) {
                throw new RefusedAddressException(host + " is an IPv4-mapped address, which webhooks may not use");
            }
            String refused = refused(address);
            if (refused != null) {
                // The address itself is not named: answers must not map a network's internal names.
                throw new RefusedAddressException(host + " resolves to " + refused);
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }

    /** Whether plain http is refused now (checked again at delivery: the setting may have changed). */
    public boolean refusesPlainHttp() {
        return requireHttps;
    }

    /** Why webhooks may not reach {@code address}, or null. */
    String refused(InetAddress address) {
        if (address.isLinkLocalAddress() || METADATA.contains(address.getHostAddress()) || isSpecialPurpose(address)) {
            return "a link-local, cloud metadata or special-purpose address, which webhooks may never reach";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "not an address webhooks may reach";
        }
        if (address instanceof Inet6Address v6 && (isIpv4Mapped(v6) || embedsIpv4(v6))) {
            return "an IPv6 address that embeds an IPv4 one (mapped, translated, NAT64 or 6to4), which webhooks may not use";
        }
        boolean local = address.isLoopbackAddress() || address.isSiteLocalAddress() || isSharedOrUniqueLocal(address);
        if (local && !allowPrivate) {
            return "a loopback or private address (webhooks.allowPrivateTargets is off)";
        }
        return null;
    }

    /** IPv6 forms that carry an IPv4 address: ::/96, ::ffff:0:0:0/96, 64:ff9b::/96, 64:ff9b:1::/48, 2002::/16. */
    private static boolean embedsIpv4(Inet6Address address) {
        byte[] b = address.getAddress();
        boolean zeroPrefix = true;
        for (int i = 0; i < 8; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean compatible = zeroPrefix && b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0;
        boolean translated = zeroPrefix && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0;
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        boolean sixToFour = b[0] == 0x20 && b[1] == 0x02;
        return compatible && !address.isLoopbackAddress() && !address.isAnyLocalAddress() || translated || nat64 || sixToFour;
    }

    /**
     * IPv4 ranges no webhook has reason to reach: 0.0.0.0/8, 192.0.0.0/24, 198.18.0.0/15 (benchmarking),
     * 240.0.0.0/4 (reserved) and the broadcast address.
     */
    private static boolean isSpecialPurpose(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        int a = address.getAddress()[0] & 0xff;
        int b = address.getAddress()[1] & 0xff;
        int c = address.getAddress()[2] & 0xff;
        return a == 0 || a >= 240 || a == 192 && b == 0 && c == 0 || a == 198 && (b == 18 || b == 19);
    }

    private static boolean isIpv4Mapped(Inet6Address address) {
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /** 100.64.0.0/10 (carrier-grade NAT) and fc00::/7 (unique local), which Java does not call site-local. */
    private static boolean isSharedOrUniqueLocal(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        }
        return (b[0] & 0xfe) == 0xfc;
    }

    /** A name that resolves where webhooks may not go (an UnknownHostException to the HTTP client, which then does not connect). */
    static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String message) {
            super(message);
        }
    }
}
