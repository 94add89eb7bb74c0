package io.darner.engine.protocol;

/** Wire codes of {@link Frame} types. Codes never change meaning; new types get new codes. */
public enum FrameType {
    CHALLENGE(1), REGISTERED(2), TASK_COMMAND(3), TASK_INFO(4), PIECE_HASHES(5), CONTENT_READY(6),
    PEER_LIST(7), TASK_FAILED(8), CANCEL_TASK(9), DROP_PEER(10),
    REGISTER(20), HEARTBEAT(21), JOIN_TASK(22), PROGRESS(23), RESULT(24), PEER_REPORT(25),
    GOODBYE(40),
    HANDSHAKE(60), BITFIELD(61), HAVE(62), REQUEST(63), REQUEST_ANY(64), CANCEL(65), REJECT(66), PIECE(67);

    private static final FrameType[] BY_CODE = new FrameType[256];
    static {
        for (FrameType t : values()) BY_CODE[t.code] = t;
    }

    private final int code;

    FrameType(int code) { this.code = code; }

    public int code() { return code; }

    /** @return the type for a wire code, or null when the code is unknown */
    public static FrameType of(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
