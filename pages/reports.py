import streamlit as st

st.title("reports")
