package dev.stm32emu.cli.dfu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stm32emu.cli.dfu.DfuProbe.AltFilter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DfuProbeTest {

    private static final String FLASH = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg";
    private static final String OPTION = "@Option Bytes  /0x1FFFC000/01*016 g";

    private final SimulatedDfuDevice device =
            SimulatedDfuDevice.dfuse(new NorFlashFake(FLASH), new NorFlashFake(OPTION));

    @Test
    void shouldListEveryAlternateSettingWithItsLayoutAndTheFunctionalDescriptor() throws Exception {
        List<DfuInterface> found = new DfuProbe(device).probe(AltFilter.ANY);

        assertEquals(2, found.size());
        DfuInterface alt0 = found.get(0);
        assertEquals(FLASH, alt0.name());
        assertEquals(OPTION, found.get(1).name());
        assertTrue(alt0.dfuMode());
        assertTrue(alt0.isDfuse());
        assertEquals(new DfuFunctionalDescriptor(9, 0x0B, 255, 2048, 0x011A), alt0.functional());
        assertEquals(64, alt0.maxPacketSize0());
        assertEquals("stm32emu-0001", alt0.serial());
        assertEquals("Found DFU: [0483:df11] ver=2200, cfg=1, intf=0, alt=0, name=\"" + FLASH
                + "\", serial=\"stm32emu-0001\"", alt0.toString());
    }

    @Test
    void shouldReadStringsOnlyForTheSelectedAlternateSetting() throws Exception {
        List<DfuInterface> found = new DfuProbe(device).probe(AltFilter.number(1));

        assertEquals(1, found.size());
        assertEquals(List.of("GET_DESCRIPTOR STRING 0", "GET_DESCRIPTOR STRING 5", "GET_DESCRIPTOR STRING 0",
                "GET_DESCRIPTOR STRING 3"), Traffic.lines(device));
    }

    @Test
    void shouldSelectAnAlternateSettingByName() throws Exception {
        List<DfuInterface> found = new DfuProbe(device).probe(AltFilter.name(OPTION));

        assertEquals(1, found.size());
        assertEquals(1, found.get(0).alternateSetting());
    }

    @Test
    void shouldTakeProtocolZeroAsDfuModeOnlyForDfuseDevices() throws Exception {
        device.interfaceProtocol(0);
        assertTrue(new DfuProbe(device).probe(AltFilter.number(0)).get(0).dfuMode());

        DfuStateMachine plain = new DfuStateMachine(DfuDeviceConfig.plain(1024),
                List.of(new NorFlashFake("@Flash/0x08000000/4*1Kg")));
        SimulatedDfuDevice plainDevice = new SimulatedDfuDevice(plain).interfaceProtocol(0);
        assertFalse(new DfuProbe(plainDevice).probe(AltFilter.ANY).get(0).dfuMode());
    }

    @Test
    void shouldRefuseToWorkWithARunTimeInterface() {
        SimulatedDfuDevice runtime = SimulatedDfuDevice.dfuse(new NorFlashFake(FLASH)).interfaceProtocol(1);

        DfuException e = assertThrows(DfuException.class, () -> new DfuHost(runtime, DfuHostOptions.DFU_UTIL_0_11)
                .upload(AltFilter.ANY, DfuseOptions.parse("0x08000000:16"), 0));

        assertTrue(e.getMessage().startsWith("The device is in run-time mode"), e.getMessage());
        assertTrue(Traffic.lines(runtime).stream().noneMatch(l -> l.startsWith("SET_INTERFACE")));
    }

    @Test
    void shouldPatchAStringDescriptorWhoseLengthExceedsWhatArrived() throws Exception {
        device.interceptor((setup, out, d) -> {
            if (setup.value() == 0x0304) {
                byte[] s = new byte[]{40, 3, '@', 0, 'F', 0, '/', 0, '0', 0, 'x', 0, '0', 0, '/', 0, '1', 0, '*', 0,
                        '1', 0, 'K', 0, 'g', 0};
                return ControlResult.in(s);
            }
            return null;
        });
        DfuProbe probe = new DfuProbe(device);

        List<DfuInterface> found = probe.probe(AltFilter.number(0));

        assertEquals("@F/0x0/1*1Kg", found.get(0).name());
        assertEquals(List.of("Patching string descriptor 4 length (was 40, received 26)"), probe.warnings());
    }

    @Test
    void shouldReadADfu10FunctionalDescriptorAsVersion100WithItsTransferSize() {
        DfuFunctionalDescriptor f = DfuFunctionalDescriptor.parse(new byte[]{7, 0x21, 0x03, (byte) 0xFF, 0, 0, 4});

        assertEquals(new DfuFunctionalDescriptor(7, 3, 255, 1024, 0x0100), f);
        assertFalse(f.isDfuse());
    }

    @Test
    void shouldNameTheFilterWhenNoInterfaceMatches() {
        DfuException e = assertThrows(DfuException.class, () -> new DfuHost(device, DfuHostOptions.DFU_UTIL_0_11)
                .upload(AltFilter.number(5), null, 0));

        assertEquals("No DFU capable USB device available with alternate setting 5", e.getMessage());
    }

    @Test
    void shouldRefuseSeveralMatchingAlternateSettingsForARawDownload() {
        DfuInputException e = assertThrows(DfuInputException.class, () -> new DfuHost(device, DfuHostOptions.DFU_UTIL_0_11)
                .download(AltFilter.ANY, DfuFile.raw(new byte[4]), DfuseOptions.parse("0x08000000")));

        assertTrue(e.getMessage().startsWith("More than one DFU interface matches"), e.getMessage());
        assertFalse(Traffic.lines(device).stream().anyMatch(l -> l.startsWith("SET_INTERFACE")));
    }

    @Test
    void shouldParseTheConfigurationDescriptorOfTheSimulatedF4Rom() throws Exception {
        byte[] raw = device.configurationDescriptor(0).data();

        ConfigurationDescriptor cfg = ConfigurationDescriptor.parse(raw);

        assertEquals(1, cfg.configurationValue());
        assertEquals(2, cfg.interfaces().size());
        assertEquals(0, cfg.extra().length);
        assertEquals(0, cfg.interfaces().get(0).extra().length);
        assertEquals(9, cfg.interfaces().get(1).extra().length, "the functional descriptor follows the last alt");
        assertEquals(Arrays.toString(device.functionalDescriptor().toBytes()),
                Arrays.toString(ConfigurationDescriptor.findDescriptor(cfg.interfaces().get(1).extra(), 0x21)));
    }
}
