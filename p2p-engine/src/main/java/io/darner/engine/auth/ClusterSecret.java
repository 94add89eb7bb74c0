package io.darner.engine.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The secret every node and supernode of a cluster shares. It never crosses the network:
 * a node proves it knows it with HMAC-SHA256 over a supernode's fresh nonce, and task tokens
 * are HMACs of the task id, so any supernode of the cluster issues the same token.
 */
public final class ClusterSecret {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    public ClusterSecret(byte[] secret) {
        if (secret == null || secret.length == 0) throw new IllegalArgumentException("cluster secret is empty");
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    public static byte[] nonce() {
        byte[] n = new byte[32];
        RANDOM.nextBytes(n);
        return n;
    }

    public byte[] proof(byte[] nonce, String nodeId) {
        return hmac(nonce, nodeId.getBytes(StandardCharsets.UTF_8));
    }

    public boolean verify(byte[] nonce, String nodeId, byte[] proof) {
        return proof != null && MessageDigest.isEqual(proof(nonce, nodeId), proof);
    }

    public byte[] taskToken(String taskId) {
        return hmac("task:".getBytes(StandardCharsets.UTF_8), taskId.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] hmac(byte[] a, byte[] b) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(a);
            return mac.doFinal(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
