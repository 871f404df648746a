package dev.tether.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Finds static files in a folder and/or a class path folder; nothing outside them is ever served. */
final class StaticFiles {
    /** A file to serve. */
    record StaticFile(byte[] body, String contentType) {}

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("wav", "audio/wav"));

    private final @Nullable Path directory;
    private final @Nullable String classpathFolder;

    StaticFiles(@Nullable Path directory, @Nullable String classpathFolder) {
        this.directory = directory == null ? null : directory.toAbsolutePath().normalize();
        this.classpathFolder = classpathFolder == null ? null : trimSlashes(classpathFolder);
    }

    boolean enabled() {
        return directory != null || classpathFolder != null;
    }

    /**
     * The file for a decoded request path, or {@code null} when there is none (or the path tries to leave the
     * folder). A path ending in {@code /} means its {@code index.html}.
     */
    @Nullable
    StaticFile find(String path) throws IOException {
        String relative = path.endsWith("/") ? path + "index.html" : path;
        relative = trimSlashes(relative);
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty()
                    || segment.equals(".")
                    || segment.equals("..")
                    || segment.indexOf('\\') >= 0
                    || segment.indexOf('\0') >= 0) {
                return null;
            }
        }
        String type = contentType(relative);
        if (directory != null) {
            Path file = directory.resolve(relative).normalize();
            if (file.startsWith(directory) && Files.isRegularFile(file)) {
                return new StaticFile(Files.readAllBytes(file), type);
            }
        }
        if (classpathFolder != null) {
            String resource = classpathFolder.isEmpty() ? relative : classpathFolder + "/" + relative;
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = StaticFiles.class.getClassLoader();
            }
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in != null) {
                    return new StaticFile(in.readAllBytes(), type);
                }
            }
        }
        return null;
    }

    private static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }
}
