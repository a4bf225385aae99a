package dev.balancer.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of the class once per {@link FrontEnd}: the class takes the front end as its constructor argument
 * and hands it to {@link Servers} or {@link TestBalancer}, which cannot start a balancer without one. An IDE shows
 * (and can run) each front end's run on its own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@EnumSource(FrontEnd.class)
public @interface ThroughBothFrontEnds {}
