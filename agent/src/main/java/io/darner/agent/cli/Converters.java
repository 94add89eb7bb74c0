package io.darner.agent.cli;

import io.darner.engine.manifest.ContentDigest;
import io.darner.engine.rate.Rate;
import io.darner.engine.source.Sources;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Option value converters. A value they refuse is a usage error (exit 2) whose message picocli
 * prefixes with the option's name.
 */
public final class Converters {
    private Converters() {
    }

    /** {@code 50MB/s}, {@code 400Mbit/s}, {@code 1048576} → bytes per second. */
    public static final class RateConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Rate.parseBytesPerSecond(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code HOST:PORT} or {@code [IPv6]:PORT} of this host (to bind or to call locally); the host must resolve. */
    public static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            InetSocketAddress unresolved = RemoteAddressConverter.parse(value);
            InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
            if (address.isUnresolved()) throw new TypeConversionException("unknown host '" + unresolved.getHostString() + "' in '" + value + "'");
            return address;
        }
    }

    /**
     * {@code HOST:PORT} of another machine, left unresolved: the engine resolves it on every
     * connect, so a supernode whose name moves to a new address (or resolves only later) is found.
     */
    public static final class RemoteAddressConverter implements ITypeConverter<InetSocketAddress> {
        private static final Pattern FORM = Pattern.compile("(\\[[^]]+]|[^:\\[\\]]+):(\\d{1,5})");

        @Override
        public InetSocketAddress convert(String value) {
            return parse(value);
        }

        static InetSocketAddress parse(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches()) throw new TypeConversionException("'" + value + "' is not of the form HOST:PORT");
            int port = Integer.parseInt(m.group(2));
            if (port > 65535) throw new TypeConversionException("port " + port + " in '" + value + "' is above 65535");
            String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    /** {@code sha256:} and 64 hex digits. */
    public static final class DigestConverter implements ITypeConverter<ContentDigest> {
        @Override
        public ContentDigest convert(String value) {
            try {
                return ContentDigest.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A source URL of a scheme the engine reads (http, https, file, ...). */
    public static final class SourceUrlConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return Sources.of(value).uri().toString();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code 85%} or {@code 85} (percent, above 0 and at most 100) → a fraction of 1. */
    public static final class PercentConverter implements ITypeConverter<Double> {
        private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%?");

        @Override
        public Double convert(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches()) throw new TypeConversionException("'" + value + "' is not a percentage such as 85%");
            double pct = Double.parseDouble(m.group(1));
            if (pct <= 0 || pct > 100) throw new TypeConversionException("'" + value + "' is not above 0% and at most 100%");
            return pct / 100;
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d} → a positive duration. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.strip().toLowerCase(java.util.Locale.ROOT));
            if (!m.matches()) throw new TypeConversionException("'" + value + "' is not a duration such as 90s, 30m, 24h or 7d");
            long n = Long.parseLong(m.group(1));
            if (n <= 0) throw new TypeConversionException("'" + value + "' must be longer than zero");
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
    }

    /** The cluster secret, read from a file; a trailing line break is not part of it. */
    public static final class SecretFileConverter implements ITypeConverter<Secret> {
        @Override
        public Secret convert(String value) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(Path.of(value));
            } catch (IOException e) {
                throw new TypeConversionException("cannot read secret file " + value + ": " + e);
            }
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) end--;
            if (end == 0) throw new TypeConversionException("secret file " + value + " is empty");
            return new Secret(Arrays.copyOf(bytes, end));
        }
    }

    /** A cluster secret (a record, so that picocli does not take a byte[] option for a list of bytes). */
    public record Secret(byte[] bytes) {
        @Override
        public String toString() {
            return "Secret[" + bytes.length + " bytes]";
        }
    }
}
