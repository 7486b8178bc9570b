package io.smsrouter.core.account;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A secret from the config (an SMPP bind password, an HTTP API key, the admin token), given either
 * as plain text or as a PBKDF2 hash recognised by its prefix:
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>} (the JDK's
 * {@code PBKDF2WithHmacSHA256}, the secret's UTF-8 bytes, a 256-bit derived key). {@code scripts/hash-secret}
 * prints such a hash.
 *
 * <p>{@link #matches} compares in constant time whatever the form; for a hash it derives the key
 * first, which costs {@code iterations} HMACs (about 240 ms at {@value #DEFAULT_ITERATIONS} here), so
 * callers run it off the event loops and remember the result ({@link SecretVerifier}).
 */
public final class Secret {

    public static final String PBKDF2_PREFIX = "pbkdf2-sha256$";
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; an SMPP password has at most 8 characters. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    public static final int MIN_ITERATIONS = 1_000;
    public static final int MAX_ITERATIONS = 10_000_000;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    static final String FORMAT = "pbkdf2-sha256$<iterations " + MIN_ITERATIONS + ".." + MAX_ITERATIONS
            + ">$<salt, base64, at least 8 bytes>$<hash, base64, 32 bytes>";

    private final byte[] plain;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private Secret(byte[] plain, int iterations, byte[] salt, byte[] hash) {
        this.plain = plain;
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** True when the configured value is meant as a hash (it has the prefix), well-formed or not. */
    public static boolean looksHashed(String configured) {
        return configured != null && configured.startsWith(PBKDF2_PREFIX);
    }

    /**
     * The configured value: a hash when it has the prefix, else plain text.
     *
     * @throws IllegalArgumentException for a value with the prefix that is not a well-formed hash,
     *                                  saying what was expected (never echoing the value)
     */
    public static Secret parse(String configured) {
        if (!looksHashed(configured)) {
            return new Secret(configured == null ? new byte[0] : configured.getBytes(StandardCharsets.UTF_8),
                    0, null, null);
        }
        String[] parts = configured.substring(PBKDF2_PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected a hash " + FORMAT + ", got " + (parts.length + 1)
                    + " '$'-separated fields instead of 4");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a hash " + FORMAT + ": the iterations are not a number");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("expected a hash " + FORMAT + ": iterations " + iterations
                    + " out of range");
        }
        byte[] salt = base64(parts[1], "salt");
        byte[] hash = base64(parts[2], "hash");
        if (salt.length < 8) {
            throw new IllegalArgumentException("expected a hash " + FORMAT + ": the salt has " + salt.length
                    + " bytes");
        }
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("expected a hash " + FORMAT + ": the hash has " + hash.length
                    + " bytes");
        }
        return new Secret(null, iterations, salt, hash);
    }

    private static byte[] base64(String s, String what) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a hash " + FORMAT + ": the " + what + " is not base64");
        }
    }

    /** A new hash of {@code secret} with a random salt, in the form {@link #parse} reads. */
    public static String hash(char[] secret, int iterations, SecureRandom random) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations: expected " + MIN_ITERATIONS + ".." + MAX_ITERATIONS
                    + ", got " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = derive(secret, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PBKDF2_PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(h);
    }

    public boolean hashed() {
        return hash != null;
    }

    /** Iterations of the hash; 0 for a plain secret. */
    public int iterations() {
        return iterations;
    }

    /**
     * True when {@code presented} is this secret; constant time for a given length of the configured
     * value. Slow for a hash (see the class comment).
     */
    public boolean matches(String presented) {
        String p = presented == null ? "" : presented;
        if (hash == null) {
            return MessageDigest.isEqual(plain, p.getBytes(StandardCharsets.UTF_8));
        }
        char[] chars = p.toCharArray();
        try {
            return MessageDigest.isEqual(hash, derive(chars, salt, iterations));
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    static byte[] derive(char[] secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return hash == null ? "Secret[plain, ***]" : "Secret[pbkdf2-sha256, " + iterations + " iterations]";
    }
}
