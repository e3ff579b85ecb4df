package dev.stm32emu.cli.dfu;

import dev.stm32emu.cli.dfu.ConfigurationDescriptor.InterfaceDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the DFU interfaces of a device as dfu-util 0.11's {@code probe_configuration}
 * (dfu_util.c) does, with the same bus traffic: the device and configuration descriptors come
 * from {@link DfuTransport#deviceDescriptor()} and {@link DfuTransport#configurationDescriptor(int)}
 * (a cache for dfu-util), and for every alternate setting that passes the filter the host reads
 * string 0 and the iInterface string, then string 0 and the serial number string.
 *
 * <ul>
 *   <li>DFU interface: class 0xFE, subclass 0x01.</li>
 *   <li>DFU mode: protocol 2, or protocol 0 when bcdDFUVersion is 0x011A; otherwise run-time.</li>
 *   <li>The functional descriptor is searched among the configuration's own descriptors, then
 *       after each DFU alternate setting; failing that it is requested with GET_DESCRIPTOR(0x21),
 *       and failing that a DFU 1.0 descriptor is assumed.</li>
 *   <li>The alternate setting filter (dfu-util -a N or -a NAME) applies to DFU-mode interfaces
 *       only; the number is checked before any string is read, the name after.</li>
 * </ul>
 * The vendor/product, serial, path and interface-number filters of dfu-util are not modelled:
 * a transport is one device.
 */
public final class DfuProbe {

    /** dfu-util's "-a" filter: an alternate setting number, a name, or neither (null/-1 = any). */
    public record AltFilter(int number, String name) {
        public static final AltFilter ANY = new AltFilter(-1, null);

        public static AltFilter number(int alt) {
            return new AltFilter(alt, null);
        }

        public static AltFilter name(String name) {
            return new AltFilter(-1, name);
        }
    }

    /** dfu-util's MAX_DESC_STR_LEN: 254 in 0.11 (facts-usb §3.1); older releases used 253. */
    static final int MAX_STRING = 254;

    private final DfuTransport transport;
    private final List<String> warnings = new ArrayList<>();

    public DfuProbe(DfuTransport transport) {
        this.transport = transport;
    }

    /** Every DFU alternate setting of the device that passes {@code filter}, in descriptor order. */
    public List<DfuInterface> probe(AltFilter filter) throws DfuException {
        DeviceDescriptor device = DeviceDescriptor.parse(required(transport.deviceDescriptor(), "device descriptor"));
        List<DfuInterface> found = new ArrayList<>();
        for (int c = 0; c < device.numConfigurations(); c++) {
            ConfigurationDescriptor cfg = ConfigurationDescriptor.parse(
                    required(transport.configurationDescriptor(c), "configuration descriptor " + c));
            DfuFunctionalDescriptor func = functionalDescriptor(cfg);
            if (func == null) {
                continue;
            }
            for (InterfaceDescriptor intf : cfg.interfaces()) {
                if (!intf.isDfu()) {
                    continue;
                }
                boolean dfuMode = intf.interfaceProtocol() == 2
                        || (func.isDfuse() && intf.interfaceProtocol() == 0);
                if (dfuMode && filter.number() >= 0 && filter.number() != intf.alternateSetting()) {
                    continue;
                }
                String name = intf.iInterface() != 0 ? readString(intf.iInterface()) : null;
                if (intf.iInterface() == 0) {
                    warnings.add("intf->iInterface==0");
                }
                String serial = device.iSerialNumber() != 0 ? readString(device.iSerialNumber()) : null;
                name = name == null || name.isEmpty() ? "UNKNOWN" : name;
                serial = serial == null || serial.isEmpty() ? "UNKNOWN" : serial;
                if (dfuMode && filter.name() != null && !filter.name().equals(name)) {
                    continue;
                }
                found.add(new DfuInterface(device.idVendor(), device.idProduct(), device.bcdDevice(),
                        device.maxPacketSize0(), cfg.configurationValue(), intf.number(),
                        intf.alternateSetting(), name, serial, dfuMode, func));
            }
        }
        return found;
    }

    /** What dfu-util would have warned about while probing. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private DfuFunctionalDescriptor functionalDescriptor(ConfigurationDescriptor cfg) {
        byte[] f = ConfigurationDescriptor.findDescriptor(cfg.extra(), DfuFunctionalDescriptor.TYPE);
        boolean hasDfu = false;
        for (InterfaceDescriptor intf : cfg.interfaces()) {
            if (f != null) {
                break;
            }
            if (intf.isDfu()) {
                f = ConfigurationDescriptor.findDescriptor(intf.extra(), DfuFunctionalDescriptor.TYPE);
                hasDfu = true;
            }
        }
        if (f != null) {
            return DfuFunctionalDescriptor.parse(f);
        }
        if (!hasDfu) {
            return null;
        }
        ControlResult r = transport.getDescriptor(DfuFunctionalDescriptor.TYPE, 0, 0, DfuFunctionalDescriptor.LENGTH);
        if (r.ok() && r.length() > 0) {
            return DfuFunctionalDescriptor.parse(r.data());
        }
        warnings.add("Device has DFU interface, but has no DFU functional descriptor");
        return DfuFunctionalDescriptor.missing();
    }

    /**
     * A string as dfu-util's {@code get_string_descriptor_ascii} reads it: the first LANGID of
     * string 0, then the string (wLength 255), a too-long bLength patched to the bytes received,
     * UTF-16 code units above 0xFF turned into '?'. Null when unreadable (a warning is kept).
     */
    private String readString(int index) {
        ControlResult langs = transport.getDescriptor(DfuTransport.DT_STRING, 0, 0, 255);
        byte[] l = langs.data();
        if (!langs.ok() || l.length < 4 || (l[0] & 0xFF) < 4 || l[1] != DfuTransport.DT_STRING) {
            warnings.add(langs.ok() ? "Broken LANGID string descriptor" : "Failed to retrieve language identifiers");
            return null;
        }
        int langId = DeviceDescriptor.u16(l, 2);
        ControlResult r = transport.getDescriptor(DfuTransport.DT_STRING, index, langId, 255);
        byte[] s = r.data();
        if (!r.ok()) {
            warnings.add("Failed to retrieve string descriptor " + index);
            return null;
        }
        if (s.length < 2 || (s[0] & 0xFF) < 2) {
            warnings.add("String descriptor " + index + " too short");
            return null;
        }
        if (s[1] != DfuTransport.DT_STRING) {
            warnings.add(String.format("Malformed string descriptor %d, type = 0x%02x", index, s[1]));
            return null;
        }
        int len = s[0] & 0xFF;
        if (len > s.length) {
            warnings.add("Patching string descriptor " + index + " length (was " + len + ", received " + s.length + ")");
            len = s.length;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 2; i + 1 < len && b.length() < MAX_STRING; i += 2) {
            b.append(s[i + 1] != 0 ? '?' : (char) (s[i] & 0xFF));
        }
        return b.toString();
    }

    private static byte[] required(ControlResult r, String what) throws DfuException {
        if (!r.ok()) {
            throw new DfuTransferException("Cannot read the " + what, r.status());
        }
        return r.data();
    }
}
