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
 * metadata service, fe80::/10), IPv4-mapped IPv6 addresses, multicast and the unspecified address.
 * Refused unless {@code allowPrivateTargets}: loopback, private (10/8, 172.16/12, 192.168/16),
 * shared (100.64/10) and unique-local (fc00::/7) addresses. Checked when a webhook is registered
 * and again on every connection, through the {@link DnsResolver} the HTTP client uses, so a name
 * that later resolves elsewhere (DNS rebinding) is refused too.
 */
public final class WebhookTargets implements DnsResolver {

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
        try {
            resolve(uri.getHost());
            return null;
        } catch (UnknownHostException e) {
            return e.getMessage();
        }
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        for (InetAddress address : addresses) {
            // Java turns an IPv4-mapped literal (::ffff:a.b.c.d) into an IPv4 address: refuse it as written.
            if (host.contains(":") && address instanceof Inet4Address) {
                throw new UnknownHostException(host + " is an IPv4-mapped address, which webhooks may not use");
            }
            String refused = refused(address);
            if (refused != null) {
                throw new UnknownHostException(host + " resolves to " + address.getHostAddress() + ", " + refused);
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }

    /** Why webhooks may not reach {@code address}, or null. */
    String refused(InetAddress address) {
        if (address.isLinkLocalAddress()) {
            return "a link-local address (such as the cloud metadata service), which webhooks may never reach";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "not an address webhooks may reach";
        }
        if (address instanceof Inet6Address v6 && isIpv4Mapped(v6)) {
            return "an IPv4-mapped address, which webhooks may not use";
        }
        boolean local = address.isLoopbackAddress() || address.isSiteLocalAddress() || isSharedOrUniqueLocal(address);
        if (local && !allowPrivate) {
            return "a loopback or private address (webhooks.allowPrivateTargets is off)";
        }
        return null;
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
}
