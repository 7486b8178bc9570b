package io.smsrouter.core.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** router-core is plain Java: no transport, no SMPP library (shared/STYLE.md §1). */
class LayeringTest {

    @Test
    void coreShouldNotDependOnNettyOrAnySmppLibrary() {
        JavaClasses core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.smsrouter.core");
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.netty..", "com.cloudhopper..", "org.jsmpp..", "io.smsrouter.smpp..",
                        "io.smsrouter.http..", "io.smsrouter.server..")
                .because("router-core must stay plain Java; adapters depend on it, never the reverse")
                .check(core);
    }
}
