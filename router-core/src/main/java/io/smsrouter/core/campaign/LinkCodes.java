package io.smsrouter.core.campaign;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The codes of tracked short links (SPEC §8 {@code GET /l/{code}}): a number {@code 0 <= n < 2^40}
 * (the campaign's base + recipient × links per recipient + link) is turned into 7 characters of
 * [0-9A-Za-z] and back, with nothing stored per code.
 *
 * <p>The number first goes through a keyed permutation of the 40-bit numbers: a balanced Feistel
 * network of two 20-bit halves, {@value #ROUNDS} rounds, whose round function is SipHash-2-4 of
 * (round, half) under a 128-bit key derived from the router's secret by HMAC-SHA256. A Feistel
 * network is a bijection whatever its round function, so every number has exactly one code and
 * {@link #number} inverts {@link #code}. Consecutive numbers (one campaign's recipients) get
 * unrelated codes, so a code does not tell its neighbours, and a guessed 7-character string is a
 * code of a real link with a probability of (links given out) / 62^7.
 *
 * <p>The result is written in base 62 ({@code 0-9A-Za-z}), left-padded with {@code 0} to always 7
 * characters (62^7 &gt; 2^40; the first character is therefore one of {@code 0-9A-J}).
 * {@link #number} answers -1 for anything that is not a code: a wrong length, a character
 * outside the alphabet, a value of 2^40 or more. It allocates nothing (the redirect calls it for
 * every click); {@link #code} allocates only its String.
 *
 * <p>Thread-safe and immutable. The key must stay the same for the life of the links: a new key
 * gives every existing link another number. {@link #loadOrCreate} keeps it in a file.
 */
public final class LinkCodes {
    /** Characters of every code. */
    public static final int LENGTH = 7;
    /** Bits of the numbers: codes exist for {@code 0 <= n < 2^BITS}. */
    public static final int BITS = 40;
    /** One more than the largest number with a code. */
    public static final long LIMIT = 1L << BITS;
    /** Size of the key {@link #loadOrCreate} makes and expects, in bytes. */
    public static final int KEY_BYTES = 32;
    /** Feistel rounds; 4 already make a pseudo-random permutation of a pseudo-random function. */
    static final int ROUNDS = 6;

    private static final char[] DIGITS =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Character → digit value, -1 for characters outside the alphabet (index below 128). */
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < DIGITS.length; i++) {
            VALUES[DIGITS[i]] = (byte) i;
        }
    }

    private final long k0;
    private final long k1;
    private final int bits;
    private final long halfMask;
    private final long limit;

    /**
     * Codes under this key (at least 16 bytes; {@link #loadOrCreate} makes 32 random ones). The key
     * is not kept: only a SipHash key derived from it.
     */
    public LinkCodes(byte[] key) {
        this(key, BITS);
    }

    /** A permutation of {@code bits}-bit numbers (even, 2..40): tests check it exhaustively on few bits. */
    LinkCodes(byte[] key, int bits) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("a link code key has at least 16 bytes, got "
                    + (key == null ? "none" : key.length));
        }
        if (bits < 2 || bits > BITS || (bits & 1) != 0) {
            throw new IllegalArgumentException("bits must be even, 2.." + BITS + ": " + bits);
        }
        byte[] derived;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            derived = mac.doFinal("io.smsrouter link codes v1".getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
        ByteBuffer b = ByteBuffer.wrap(derived).order(ByteOrder.LITTLE_ENDIAN);
        this.k0 = b.getLong(0);
        this.k1 = b.getLong(8);
        Arrays.fill(derived, (byte) 0);
        this.bits = bits;
        this.halfMask = (1L << (bits / 2)) - 1;
        this.limit = 1L << bits;
    }

    /**
     * The codes of the key in {@code keyFile}: read when the file exists (it must hold exactly
     * {@value #KEY_BYTES} bytes), else made of {@value #KEY_BYTES} random bytes and written there
     * readable by the owner only (0600 where the file system has POSIX permissions), parent
     * directories created. Two processes starting at once end up with the same key.
     *
     * @throws UncheckedIOException  the file cannot be read or written
     * @throws IllegalStateException the file exists but is not a key (wrong size)
     */
    public static LinkCodes loadOrCreate(Path keyFile) {
        try {
            if (!Files.exists(keyFile)) {
                create(keyFile);
            }
            byte[] key = Files.readAllBytes(keyFile);
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException("link code key file " + keyFile + " holds " + key.length
                        + " bytes, expected " + KEY_BYTES + " (delete it only if no short link was ever sent:"
                        + " a new key breaks every link given out)");
            }
            try {
                return new LinkCodes(key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the link code key file " + keyFile, e);
        }
    }

    /** Writes a new key to a private temporary file, then moves it in place unless one appeared meanwhile. */
    private static void create(Path keyFile) throws IOException {
        Path dir = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, keyFile.getFileName().toString(), ".tmp", attrs);
        try {
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(key);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            try {
                Files.move(tmp, keyFile);
            } catch (FileAlreadyExistsException raced) {
                // another process made one first: use theirs
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The 7-character code of {@code n}.
     *
     * @throws IllegalArgumentException {@code n} is negative or not below 2^40
     */
    public String code(long n) {
        if (n < 0 || n >= limit) {
            throw new IllegalArgumentException("link number out of range 0.." + (limit - 1) + ": " + n);
        }
        long v = permute(n);
        char[] c = new char[LENGTH];
        for (int i = LENGTH - 1; i >= 0; i--) {
            c[i] = DIGITS[(int) (v % 62)];
            v /= 62;
        }
        return new String(c);
    }

    /** The number whose code is {@code code}, or -1 when it is not a code. Allocates nothing. */
    public long number(CharSequence code) {
        if (code == null || code.length() != LENGTH) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < LENGTH; i++) {
            char ch = code.charAt(i);
            int d = ch < 128 ? VALUES[ch] : -1;
            if (d < 0) {
                return -1;
            }
            v = v * 62 + d;
        }
        return v < limit ? unpermute(v) : -1;
    }

    /** True when {@code s} has the shape of a code (length and alphabet), without the key's check. */
    public static boolean looksLikeCode(CharSequence s) {
        if (s == null || s.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char ch = s.charAt(i);
            if (ch >= 128 || VALUES[ch] < 0) {
                return false;
            }
        }
        return true;
    }

    long permute(long n) {
        int half = bits / 2;
        long l = n >>> half;
        long r = n & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = l ^ (round(round, r) & halfMask);
            l = r;
            r = next;
        }
        return (l << half) | r;
    }

    long unpermute(long v) {
        int half = bits / 2;
        long l = v >>> half;
        long r = v & halfMask;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            long prev = r ^ (round(round, l) & halfMask);
            r = l;
            l = prev;
        }
        return (l << half) | r;
    }

    private long round(int round, long half) {
        return sipHash24(k0, k1, ((long) round << 32) | half);
    }

    /** SipHash-2-4 of one 8-byte little-endian message word {@code m} (Aumasson and Bernstein, 2012). */
    static long sipHash24(long k0, long k1, long m) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        v3 ^= m;
        for (int i = 0; i < 2; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= m;
        long b = 8L << 56; // the message length in the last block
        v3 ^= b;
        for (int i = 0; i < 2; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 4; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    @Override
    public String toString() {
        return "LinkCodes[key=***]";
    }
}
