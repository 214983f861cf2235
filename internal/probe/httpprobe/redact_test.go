package httpprobe

import "testing"

func TestRedactSubscriber(t *testing.T) {
	in := "<response><DeviceName>B525s-65a</DeviceName><Imei>861234567890123</Imei><Imsi>310260123456789</Imsi><Iccid>8901260123456789012</Iccid><Msisdn>+15555550100</Msisdn></response>"
	want := "<response><DeviceName>B525s-65a</DeviceName><Imei>861234567890123</Imei><Imsi>REDACTED</Imsi><Iccid>REDACTED</Iccid><Msisdn>REDACTED</Msisdn></response>"
	if got := RedactSubscriber(in); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
