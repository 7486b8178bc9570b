package io.smsrouter.core.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TemplateStore} in this process's memory, written through to a directory: one UTF-8 file
 * {@code <name>.tpl} a template, replaced atomically (written to {@code <name>.tpl.tmp}, forced to
 * disk, then moved over the old file), so a crash leaves the old or the new text, never half.
 * Every {@code .tpl} file is loaded and compiled at construction; one that does not compile stops
 * the start with a {@link TemplateException} naming the file. One process owns the directory.
 */
public final class LocalTemplateStore implements TemplateStore {
    static final String SUFFIX = ".tpl";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dir;
    private final ConcurrentHashMap<String, Template> templates = new ConcurrentHashMap<>();
    // Puts and removes are rare; one lock keeps the file and the map in the same order.
    private final Object writeLock = new Object();

    public LocalTemplateStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path file : files) {
                    load(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read templates from " + dir, e);
        }
    }

    private void load(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        if (!TemplateStore.isValidName(name)) {
            throw new TemplateException(file.toString(), 0, 0,
                    "\"" + name + "\" is not a template name (" + NAME_RULE + ")");
        }
        String source;
        try {
            source = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TemplateException(file.toString(), 0, 0, "not UTF-8 text");
        }
        try {
            templates.put(name, Template.compile(name, source));
        } catch (TemplateException e) {
            throw new TemplateException(file.toString(), e.line(), e.column(), e.problem());
        }
    }

    @Override
    public Template put(String name, String source) {
        checkName(name);
        Template t = Template.compile(name, source);
        synchronized (writeLock) {
            write(name, source);
            templates.put(name, t);
        }
        return t;
    }

    @Override
    public Optional<Template> get(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(templates.get(name));
    }

    @Override
    public boolean remove(String name) {
        if (!TemplateStore.isValidName(name)) {
            return false;
        }
        synchronized (writeLock) {
            try {
                Files.deleteIfExists(dir.resolve(name + SUFFIX));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete template file for \"" + name + "\"", e);
            }
            return templates.remove(name) != null;
        }
    }

    @Override
    public List<Template> all() {
        return templates.values().stream().sorted(Comparator.comparing(Template::name)).toList();
    }

    public Path directory() {
        return dir;
    }

    private static void checkName(String name) {
        if (!TemplateStore.isValidName(name)) {
            throw new IllegalArgumentException("template name \"" + name + "\" must match " + NAME_RULE);
        }
    }

    private void write(String name, String source) {
        Path target = dir.resolve(name + SUFFIX);
        Path tmp = dir.resolve(name + SUFFIX + TEMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(source.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write template \"" + name + "\" to " + target, e);
        }
    }

    // Makes the rename itself durable; not every platform can open a directory, and then we skip it.
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }
}
