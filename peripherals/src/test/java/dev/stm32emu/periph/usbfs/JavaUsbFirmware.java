package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.usb.SetupPacket;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_CTR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_DIR;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_RESET;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.ISTR_SOF;
import static dev.stm32emu.periph.usbfs.FirmwareRegs.SETUP;

/**
 * A USB device "firmware" written in Java that drives the peripheral only through its
 * registers and packet memory, from its interrupt, the way register-level C firmware
 * does (TinyUSB/libopencm3 idioms). EP0 answers the standard requests plus vendor
 * requests that exercise the host engine; EP1 is a bulk loopback: every OUT packet comes
 * back as one IN packet.
 *
 * <p>Vendor requests (bmRequestType 0x40 / 0xC0): 0x42 OUT stores its data, 0x44 IN
 * returns it, 0x43 IN answers only after {@link #delayPs} (NAK meanwhile), 0x45 IN stalls
 * its data stage, 0x46 OUT stalls its status stage after taking the data, 0x47 OUT never
 * completes its status stage, 0x48 OUT halts EP1 OUT. Anything else is stalled.
 */
final class JavaUsbFirmware {
    static final int EP0_TX = 0x40;
    static final int EP0_RX = 0x80;
    static final int EP1_RX = 0xC0;
    static final int EP1_TX = 0x100;
    private static final int NAK = 2;
    private static final int VALID = 3;
    private static final int STALL = 1;

    private final FirmwareRegs fw;
    private final Scheduler scheduler;
    /** Endpoint 0's max packet size (bMaxPacketSize0); EP1 uses 64. */
    private final int ep0Size;
    final List<SetupPacket> setups = new ArrayList<>();
    final List<Integer> ep1OutToggles = new ArrayList<>();
    final ArrayDeque<byte[]> ep1In = new ArrayDeque<>();
    final List<byte[]> ep1Received = new ArrayList<>();
    int interrupts;
    int address;
    boolean configured;
    long delayPs = 3 * UsbFsBench.MS;
    byte[] echo = new byte[0];

    private byte[] inData;
    private int inOffset;
    private boolean inZlp;
    private SetupPacket outRequest;
    private ByteArrayOutputStream outData;
    private int pendingAddress = -1;
    private boolean ep1InBusy;

    JavaUsbFirmware(FirmwareRegs fw, Scheduler scheduler, int ep0Size) {
        this.fw = fw;
        this.scheduler = scheduler;
        this.ep0Size = ep0Size;
    }

    /** dcd_init: power up, clear flags, enable the RESET and CTR interrupts. */
    void init() {
        fw.write(FirmwareRegs.CNTR, FirmwareRegs.FRES | FirmwareRegs.PDWN);
        fw.write(FirmwareRegs.CNTR, FirmwareRegs.FRES);
        fw.write(FirmwareRegs.CNTR, 0);
        fw.write(FirmwareRegs.BTABLE, 0);
        fw.write(ISTR, 0);
        fw.write(FirmwareRegs.CNTR, FirmwareRegs.RESETM | FirmwareRegs.CTRM);
    }

    /** The USB_LP interrupt handler. */
    void onInterrupt() {
        interrupts++;
        int istr = fw.read(ISTR);
        if ((istr & ISTR_RESET) != 0) {
            fw.clearIstr(ISTR_RESET);
            busReset();
            return;
        }
        if ((istr & ISTR_SOF) != 0) {
            fw.clearIstr(ISTR_SOF);
        }
        while (((istr = fw.read(ISTR)) & ISTR_CTR) != 0) {
            int n = istr & 0xF;
            boolean rx = (istr & ISTR_DIR) != 0;
            if (n == 0) {
                endpoint0(rx);
            } else {
                endpoint1(rx);
            }
        }
    }

    private void busReset() {
        fw.write(FirmwareRegs.DADDR, 0);
        fw.descriptor(0, 0, EP0_TX, 0, EP0_RX, FirmwareRegs.rxBlocks(ep0Size));
        fw.configure(0, FirmwareRegs.TYPE_CONTROL, false, 0);
        fw.setStatRx(0, VALID);
        fw.setStatTx(0, NAK);
        fw.writeEpr(1, 0);
        address = 0;
        configured = false;
        inData = null;
        outRequest = null;
        pendingAddress = -1;
        ep1InBusy = false;
        fw.write(FirmwareRegs.DADDR, 0x80);
    }

    // ---- EP0: control ------------------------------------------------------------

    private void endpoint0(boolean rx) {
        if (!rx) {
            fw.clearCtrTx(0);
            if (inData != null) {
                sendNextControlPacket();
            } else if (pendingAddress >= 0) {
                address = pendingAddress;
                pendingAddress = -1;
                fw.write(FirmwareRegs.DADDR, 0x80 | address);
            }
            return;
        }
        boolean setup = (fw.epr(0) & SETUP) != 0;
        if (setup && (fw.epr(0) & FirmwareRegs.CTR_TX) != 0) {
            // The previous request's last IN completed just before this SETUP came in:
            // finish it first, or its completion would be taken for the new request's.
            endpoint0(false);
        }
        byte[] data = fw.pmaReadBytes(EP0_RX, fw.rxCount(0));
        fw.clearCtrRx(0);
        if (setup) {
            setup(SetupPacket.parse(data));
        } else if (outRequest != null) {
            outData.writeBytes(data);
            if (outData.size() >= outRequest.length()) {
                SetupPacket r = outRequest;
                outRequest = null;
                outDataComplete(r, outData.toByteArray());
            } else {
                fw.setStatRx(0, VALID);
            }
        } else {
            fw.setStatRx(0, VALID); // status OUT of an IN request
        }
    }

    private void setup(SetupPacket s) {
        setups.add(s);
        inData = null;
        outRequest = null;
        if (!s.isIn() && s.length() > 0) {
            if (s.requestType() == 0x40 && (s.request() == 0x42 || s.request() == 0x46)) {
                outRequest = s;
                outData = new ByteArrayOutputStream();
                fw.setStatRx(0, VALID);
            } else {
                stall();
            }
            return;
        }
        switch (s.requestType() << 8 | s.request()) {
            case 0x8006 -> getDescriptor(s);
            case 0x0005 -> {
                pendingAddress = s.value() & 0x7F;
                statusIn();
            }
            case 0x0009 -> setConfiguration(s.value());
            case 0x010B -> statusIn();
            case 0x0201 -> clearHalt(s.index());
            case 0xC044 -> sendControlData(s, echo);
            case 0xC043 -> {
                fw.setStatRx(0, VALID);
                scheduler.after(delayPs, () -> sendControlData(s, "late".getBytes()));
            }
            case 0xC045 -> stall();
            case 0x4047 -> fw.setStatRx(0, VALID);
            case 0x4048 -> {
                fw.setStatRx(1, STALL);
                statusIn();
            }
            default -> stall();
        }
    }

    private void outDataComplete(SetupPacket s, byte[] data) {
        echo = data;
        if (s.request() == 0x46) {
            fw.setStatTx(0, STALL);
        } else {
            statusIn();
        }
    }

    private void getDescriptor(SetupPacket s) {
        byte[] d = switch (s.value() >> 8) {
            case 1 -> TestDescriptors.device(ep0Size);
            case 2 -> TestDescriptors.CONFIGURATION;
            case 3 -> TestDescriptors.string(s.value() & 0xFF);
            default -> null;
        };
        if (d == null) {
            stall();
        } else {
            sendControlData(s, d);
        }
    }

    private void setConfiguration(int value) {
        configured = value == 1;
        fw.descriptor(0, 1, EP1_TX, 0, EP1_RX, FirmwareRegs.rxBlocks(64));
        fw.configure(1, FirmwareRegs.TYPE_BULK, false, 1);
        fw.clearDtogRx(1);
        fw.clearDtogTx(1);
        fw.setStatRx(1, VALID);
        fw.setStatTx(1, NAK);
        ep1InBusy = false;
        statusIn();
    }

    private void clearHalt(int endpoint) {
        if ((endpoint & 0x7F) == 1) {
            if ((endpoint & 0x80) != 0) {
                fw.clearDtogTx(1);
                fw.setStatTx(1, NAK);
                ep1InBusy = false;
                pumpEp1In();
            } else {
                fw.clearDtogRx(1);
                fw.setStatRx(1, VALID);
            }
        }
        statusIn();
    }

    /** IN data stage: min(wLength, length) bytes in max-size packets, a ZLP if that ends on a full packet short of wLength. */
    private void sendControlData(SetupPacket s, byte[] d) {
        inData = Arrays.copyOf(d, Math.min(d.length, s.length()));
        inOffset = 0;
        inZlp = inData.length < s.length() && inData.length % ep0Size == 0;
        fw.setStatRx(0, VALID); // ready for the status OUT at any time
        sendNextControlPacket();
    }

    private void sendNextControlPacket() {
        int n = Math.min(ep0Size, inData.length - inOffset);
        if (n == 0 && !inZlp) {
            inData = null;
            return;
        }
        if (n == 0) {
            inZlp = false;
        }
        fw.pmaWriteBytes(EP0_TX, Arrays.copyOfRange(inData, inOffset, inOffset + n));
        fw.setTxCount(0, n);
        inOffset += n;
        if (n < ep0Size && !inZlp) {
            inData = null;
        }
        fw.setStatTx(0, VALID);
    }

    private void statusIn() {
        fw.setTxCount(0, 0);
        fw.setStatTx(0, VALID);
    }

    private void stall() {
        fw.setStatTx(0, STALL);
        fw.setStatRx(0, STALL);
    }

    // ---- EP1: bulk loopback ------------------------------------------------------

    private void endpoint1(boolean rx) {
        if (rx) {
            ep1OutToggles.add((fw.epr(1) & FirmwareRegs.DTOG_RX) != 0 ? 0 : 1);
            byte[] data = fw.pmaReadBytes(EP1_RX, fw.rxCount(1));
            fw.clearCtrRx(1);
            ep1Received.add(data);
            ep1In.add(data);
            fw.setStatRx(1, VALID);
        } else {
            fw.clearCtrTx(1);
            ep1InBusy = false;
        }
        pumpEp1In();
    }

    /** Queues data for EP1 IN from "application" code. */
    void sendOnEp1(byte[] packet) {
        ep1In.add(packet);
        pumpEp1In();
    }

    private void pumpEp1In() {
        if (ep1InBusy || ep1In.isEmpty() || !configured) {
            return;
        }
        byte[] p = ep1In.poll();
        fw.pmaWriteBytes(EP1_TX, p);
        fw.setTxCount(1, p.length);
        ep1InBusy = true;
        fw.setStatTx(1, VALID);
    }
}
