package dev.balancer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph points one way: front ends ({@code servlet}, {@code handler}, and {@code standalone}, the jar's
 * server around the handler) → the core ({@code dev.balancer}) → its parts ({@code admin}, {@code health},
 * {@code discovery} → {@code backend} → {@code strategy}; {@code config}), with no cycle anywhere. A change that
 * breaks the shape fails here, naming the offending dependency.
 */
class ArchitectureTest {
    private static final String CORE = "dev.balancer";
    private static final String[] FRONT_ENDS = {"dev.balancer.servlet..", "dev.balancer.handler..", "dev.balancer.standalone.."};
    private static final String[] PARTS = {"dev.balancer.strategy..", "dev.balancer.backend..", "dev.balancer.health..",
            "dev.balancer.discovery..", "dev.balancer.admin..", "dev.balancer.config..", "dev.balancer.tls.."};
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(CORE);
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("dev.balancer.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theCoreKnowsNoFrontEnd() {
        noClasses().that().resideInAPackage(CORE).should().dependOnClassesThat().resideInAnyPackage(FRONT_ENDS).check(classes);
    }

    @Test
    void thePartsKnowNeitherTheCoreNorAFrontEnd() {
        noClasses().that().resideInAnyPackage(PARTS).should().dependOnClassesThat().resideInAPackage(CORE).check(classes);
        noClasses().that().resideInAnyPackage(PARTS).should().dependOnClassesThat().resideInAnyPackage(FRONT_ENDS).check(classes);
    }

    @Test
    void theFrontEndsKnowNothingOfEachOther() {
        noClasses().that().resideInAPackage("dev.balancer.servlet..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.balancer.handler..", "dev.balancer.standalone..").check(classes);
        noClasses().that().resideInAPackage("dev.balancer.handler..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.balancer.servlet..", "dev.balancer.standalone..").check(classes);
        noClasses().that().resideInAPackage("dev.balancer.standalone..").should().dependOnClassesThat()
                .resideInAPackage("dev.balancer.servlet..").check(classes);
    }

    @Test
    void strategiesAreALeafThatUsersCanImplementAgainst() {
        noClasses().that().resideInAPackage("dev.balancer.strategy..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.balancer", "dev.balancer.backend..", "dev.balancer.health..", "dev.balancer.discovery..",
                        "dev.balancer.admin..", "dev.balancer.config..", "dev.balancer.servlet..", "dev.balancer.handler..",
                        "dev.balancer.standalone..")
                .check(classes);
    }

    @Test
    void healthAndDiscoveryChangeThePoolWithoutTheRestOfTheParts() {
        noClasses().that().resideInAnyPackage("dev.balancer.backend..", "dev.balancer.health..", "dev.balancer.discovery..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.balancer.admin..").check(classes);
        noClasses().that().resideInAPackage("dev.balancer.config..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.balancer.backend..", "dev.balancer.health..", "dev.balancer.discovery..",
                        "dev.balancer.admin..", "dev.balancer.tls..")
                .check(classes);
    }
}
