package dev.weft.proxy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Envoy's {@code CidrRange}: an address prefix. The address is kept as bytes so matching needs no
 * name resolution.
 */
public record CidrRange(byte[] prefix, int length) {

    public CidrRange {
        prefix = prefix.clone();
    }

    static CidrRange of(String address, int length, String field) throws ConversionException {
        if (!io.netty.util.NetUtil.isValidIpV4Address(address) && !io.netty.util.NetUtil.isValidIpV6Address(address)) {
            throw new ConversionException(field + ".address_prefix: not an IP address: " + address);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new ConversionException(field + ".address_prefix: not an IP address: " + address);
        }
        if (length < 0 || length > bytes.length * 8) {
            throw new ConversionException(field + ".prefix_len: must be in [0, " + bytes.length * 8 + "], not " + length);
        }
        return new CidrRange(bytes, length);
    }

    /** Whether {@code address} lies in this range (an IPv4 range never holds an IPv6 address). */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != prefix.length) {
            return false;
        }
        int full = length / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != prefix[i]) {
                return false;
            }
        }
        int rest = length % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (candidate[full] & mask) == (prefix[full] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CidrRange range && range.length == length
                && java.util.Arrays.equals(range.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(prefix) * 31 + length;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/" + length;
        } catch (UnknownHostException e) {
            return "?/" + length;
        }
    }
}
