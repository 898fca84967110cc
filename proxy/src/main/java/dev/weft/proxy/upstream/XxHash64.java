package dev.weft.proxy.upstream;

import java.nio.charset.StandardCharsets;

/**
 * xxHash64, the hash Envoy uses for request hashes, ring hash points and maglev permutations: every
 * proxy computes the same values, so all of them send one key to one host.
 */
public final class XxHash64 {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    public static long hash(String value) {
        return hash(value.getBytes(StandardCharsets.UTF_8), 0);
    }

    public static long hash(String value, long seed) {
        return hash(value.getBytes(StandardCharsets.UTF_8), seed);
    }

    public static long hash(byte[] in, long seed) {
        int len = in.length;
        int i = 0;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            do {
                v1 = round(v1, readLong(in, i));
                v2 = round(v2, readLong(in, i + 8));
                v3 = round(v3, readLong(in, i + 16));
                v4 = round(v4, readLong(in, i + 24));
                i += 32;
            } while (i <= len - 32);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        while (i + 8 <= len) {
            h ^= round(0, readLong(in, i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            i += 8;
        }
        if (i + 4 <= len) {
            h ^= (readInt(in, i) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        while (i < len) {
            h ^= (in[i] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            i++;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long value) {
        acc ^= round(0, value);
        return acc * P1 + P4;
    }

    private static long readLong(byte[] in, int at) {
        return (in[at] & 0xFFL) | (in[at + 1] & 0xFFL) << 8 | (in[at + 2] & 0xFFL) << 16 | (in[at + 3] & 0xFFL) << 24
                | (in[at + 4] & 0xFFL) << 32 | (in[at + 5] & 0xFFL) << 40 | (in[at + 6] & 0xFFL) << 48
                | (in[at + 7] & 0xFFL) << 56;
    }

    private static int readInt(byte[] in, int at) {
        return (in[at] & 0xFF) | (in[at + 1] & 0xFF) << 8 | (in[at + 2] & 0xFF) << 16 | (in[at + 3] & 0xFF) << 24;
    }
}
