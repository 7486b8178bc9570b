-- Message status on every node now answers from the SMS log (V9), which every node writes anyway:
-- each row also keeps the message's SMPP message_state (1 ENROUTE ... 8 REJECTED, 0 not known yet),
-- and message_status (V8), which held the same facts a second time, is gone.
ALTER TABLE sms_log ADD COLUMN delivery smallint NOT NULL DEFAULT 0;
DROP TABLE message_status;
