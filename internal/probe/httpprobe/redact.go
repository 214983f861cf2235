package httpprobe

import "regexp"

// subscriberTags are XML elements of mobile routers' device-information
// pages (Huawei HiLink /api/device/information) that identify the SIM and
// its subscriber, not the device: IMSI, ICCID and phone number. Identifying
// the maker needs none of them, and a compliance inventory must not collect
// them, so their contents are replaced before the body becomes evidence.
// Device identifiers (serial number, IMEI) stay: they identify the asset.
var subscriberTags = regexp.MustCompile(`(?is)(<(Imsi|Iccid|Msisdn|PhoneNumber)>)[^<]{1,64}(</(?:Imsi|Iccid|Msisdn|PhoneNumber)>)`)

// RedactSubscriber replaces the contents of the subscriberTags elements in
// body (an HTTP response or body prefix) with "REDACTED", keeping the tags:
// what the probe does to every response before it becomes evidence, and
// what the pcap importer does to the responses it hears.
func RedactSubscriber(body string) string {
	return subscriberTags.ReplaceAllString(body, "${1}REDACTED${3}")
}
