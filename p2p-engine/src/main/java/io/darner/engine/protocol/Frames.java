package io.darner.engine.protocol;

/** Wire-format constants shared by {@link FrameDecoder} and {@link FrameEncoder}. */
public final class Frames {

    /** Largest piece the engine sends. */
    public static final int MAX_PIECE_BYTES = 16 * 1024 * 1024;

    /** Default limit of the length field (type + body): a max-size piece plus room for its header. */
    public static final int DEFAULT_MAX_FRAME_BYTES = MAX_PIECE_BYTES + 1024;

    /** The int32 length prefix, which is not counted by itself. */
    public static final int LENGTH_FIELD_BYTES = 4;

    /** The uint8 type code: the smallest legal value of the length field. */
    public static final int MIN_FRAME_BYTES = 1;

    /** A string is prefixed with a uint16 byte count. */
    public static final int MAX_STRING_BYTES = 0xFFFF;

    /** One SHA-256 in {@link Frame.PieceHashes#hashes()}. */
    public static final int HASH_BYTES = 32;

    /** {@code [int32 length][uint8 type][int32 index]} in front of piece data. */
    public static final int PIECE_HEADER_BYTES = LENGTH_FIELD_BYTES + 1 + 4;

    private Frames() {
    }
}
